using System.Formats.Tar;
using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Sources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bot.Targets.CloudRun;

/// <summary>
/// A repository's <c>cloudbuild.yml</c> made into the Build resource <c>builds.create</c> takes — what
/// <c>gcloud builds submit --config</c> does. The YAML's keys are the resource's own field names, so the tree is carried
/// over as it is; only scalars get their JSON types back (YAML has none), from the few fields that are not strings.
/// </summary>
public static class CloudBuildConfig
{
    public static readonly string[] DefaultPaths = ["cloudbuild.yml", "cloudbuild.yaml"];

    private static readonly HashSet<string> TopLevel = new(StringComparer.Ordinal)
    {
        "steps", "timeout", "queueTtl", "logsBucket", "options", "substitutions", "tags", "serviceAccount", "secrets",
        "availableSecrets", "artifacts", "images",
    };

    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal)
    {
        "allowFailure", "automapSubstitutions", "dynamicSubstitutions", "enableStructuredLogging",
    };

    /// <summary>The file's text at the commit and the path it was found at; a <see cref="DeployFailedException"/> when there is none.</summary>
    public static async Task<(string Path, string Text)> ReadAsync(SourceSnapshot snapshot, string? configured, string app, CancellationToken ct)
    {
        var wanted = configured is not null ? [configured.TrimStart('.', '/')] : DefaultPaths;
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"deploybot-{Guid.NewGuid():N}.tar");
        await using var tar = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await snapshot.WriteArchiveAsync(tar, "tar", ct).ConfigureAwait(false);
        tar.Position = 0;
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = new TarReader(tar, leaveOpen: true))
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && wanted.Contains(entry.Name) && entry.DataStream is { } data)
                    using (var text = new StreamReader(data))
                        found[entry.Name] = await text.ReadToEndAsync(ct).ConfigureAwait(false);
        foreach (var path in wanted)
            if (found.TryGetValue(path, out var text)) return (path, text);
        throw new DeployFailedException($"{snapshot.Commit.Label} has no {string.Join(" or ", wanted)}, so there is nothing to tell Cloud Build.",
            $"Add a cloudbuild.yml that builds and pushes the image (listed under `images:`), or set `CloudRun:Image` of {app} to deploy an image without a build.");
    }

    /// <summary>The Build for <c>builds.create</c>: the file's steps and settings, the source, and the substitutions.</summary>
    public static JsonObject ToBuild(string path, string yaml, JsonObject source, IReadOnlyDictionary<string, string> substitutions)
    {
        JsonObject build;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                throw new DeployFailedException($"{path} is not a mapping of build settings (steps, images, …).", "Fix the file and deploy again.");
            build = (JsonObject)Convert(root, null)!;
        }
        catch (YamlException e)
        {
            throw new DeployFailedException($"{path} is not valid YAML (line {e.Start.Line}: {e.Message}).", "Fix the file and deploy again.");
        }
        foreach (var key in build.Select(kv => kv.Key).ToList())
            if (!TopLevel.Contains(key))
                throw new DeployFailedException($"{path} has `{key}:`, which is not a field of a Cloud Build config.", $"The fields are {string.Join(", ", TopLevel)}.");
        if (build["steps"] is not JsonArray { Count: > 0 })
            throw new DeployFailedException($"{path} has no steps.", "List the build steps under `steps:` and deploy again.");

        var merged = build["substitutions"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in substitutions) merged[k] = v;
        build["substitutions"] = merged;
        var options = build["options"] as JsonObject ?? new JsonObject();
        // Like gcloud: a substitution the file does not use (a repository without $_DOCKER_IMAGE_TAG) is no error.
        options["substitutionOption"] ??= "ALLOW_LOOSE";
        if (build["serviceAccount"] is not null && options["logging"] is null && build["logsBucket"] is null)
            options["logging"] = "CLOUD_LOGGING_ONLY";
        build["options"] = options;
        var tags = build["tags"] as JsonArray ?? [];
        if (!tags.Any(t => t?.GetValue<string>() == "deploybot")) tags.Add((JsonNode)"deploybot");
        build["tags"] = tags;
        build["source"] = source;
        return build;
    }

    private static JsonNode? Convert(YamlNode node, string? key) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value, ((YamlScalarNode)kv.Key).Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(c => Convert(c, key == "allowExitCodes" ? key : null)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar, key),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar, string? key)
    {
        var text = scalar.Value ?? "";
        var plain = scalar.Style == ScalarStyle.Plain;
        if (plain && text is "" or "~" or "null") return null;
        if (plain && key is not null && Booleans.Contains(key) && bool.TryParse(text, out var b)) return JsonValue.Create(b);
        if (plain && key == "allowExitCodes" && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return JsonValue.Create(n);
        return JsonValue.Create(text);
    }
}
