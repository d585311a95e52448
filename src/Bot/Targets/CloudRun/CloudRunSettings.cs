using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary>
/// The <c>CloudRun</c> section of an app: <c>Project</c>, <c>Region</c> and <c>Service</c> (required); <c>Image</c>, an image to
/// deploy instead of building (<c>{sha}</c> and <c>{short_sha}</c> are filled in); <c>Substitutions</c> for the build;
/// <c>BuildConfig</c> (default <c>cloudbuild.yml</c>, then <c>cloudbuild.yaml</c>); <c>GitUrl</c>, the https URL Cloud Build
/// clones (default the app's <c>Repository</c>); <c>Canary</c>, the percent of traffic a new revision gets first;
/// <c>Preview</c> (<c>true</c> on an environment such as <c>preview</c>: its deploys make a revision with no traffic, reached at the
/// URL of the tag <c>PreviewTag</c>, default <c>preview</c>); <c>Container</c>, the container whose env <c>config</c> reads and
/// changes (default the first); <c>Jobs</c>, the Cloud Run job that runs each of the app's tasks (<c>"Jobs": { "migrate": "site-migrate" }</c>).
/// </summary>
public sealed partial record CloudRunSettings(
    string Project, string Region, string Service, string? Image, IReadOnlyDictionary<string, string> Substitutions,
    string? BuildConfig, string? GitUrl, int? Canary, string PreviewTag, bool Preview, string? Container, IReadOnlyDictionary<string, string> Jobs)
{
    public string ServiceName => CloudRunNames.Service(Project, Region, Service);

    /// <summary>The full name of the job that runs <paramref name="task"/>; null when none is named.</summary>
    public string? JobName(string task) => Jobs.TryGetValue(task, out var job) ? CloudRunNames.Job(Project, Region, job) : null;

    public string ConsoleUrl => $"https://console.cloud.google.com/run/detail/{Region}/{Service}/revisions?project={Project}";

    public static CloudRunSettings Read(AppEnvConfig app)
    {
        var s = new SettingsSection(app, "CloudRun");
        string Key(string k) => s.KeyOf(k);
        var project = Required(s, "Project", ProjectId(), "a Google Cloud project id, e.g. \"acme-prod\"", Key);
        var region = Required(s, "Region", RegionName(), "a Cloud Run region, e.g. \"asia-northeast1\"", Key);
        var service = Required(s, "Service", ServiceId(), "the Cloud Run service's name (lowercase letters, digits and dashes)", Key);
        int? canary = null;
        if (Blank(s["Canary"]) is { } c)
            canary = int.TryParse(c.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 100
                ? n : throw new ConfigException(Key("Canary"), $"'{c}' should be a percent between 1 and 99 (the share a new revision gets first)");
        var gitUrl = Blank(s["GitUrl"]) ?? (app.Repository is { } r && r.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? r : null);
        if (Blank(s["GitUrl"]) is { } g && !g.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException(Key("GitUrl"), $"'{g}' is not an https URL Cloud Build can clone");
        var tag = Blank(s["PreviewTag"]) ?? "preview";
        if (!TagName().IsMatch(tag)) throw new ConfigException(Key("PreviewTag"), $"'{tag}' is not a traffic tag (lowercase letters, digits and dashes)");
        var preview = Blank(s["Preview"]) is { } pv && (bool.TryParse(pv, out var on) ? on : throw new ConfigException(Key("Preview"), $"'{pv}' should be true or false"));
        var substitutions = s.Section("Substitutions").GetChildren().ToDictionary(x => x.Key, x => x.Value ?? "", StringComparer.Ordinal);
        foreach (var name in substitutions.Keys)
            if (!SubstitutionName().IsMatch(name))
                throw new ConfigException(Key("Substitutions:" + name), "a user substitution starts with '_' and uses capital letters, digits and '_', e.g. _REGION");
        var container = Blank(s["Container"]);
        if (container is not null && !ServiceId().IsMatch(container))
            throw new ConfigException(Key("Container"), $"'{container}' is not a container name (lowercase letters, digits and dashes)");
        var jobs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var job in s.Section("Jobs").GetChildren())
            jobs[job.Key] = Blank(job.Value) is { } j && ServiceId().IsMatch(j) ? j
                : throw new ConfigException(Key("Jobs:" + job.Key), $"'{job.Value}' is not a Cloud Run job name (lowercase letters, digits and dashes), e.g. \"{service}-{job.Key}\"");
        var settings = new CloudRunSettings(project, region, service, Blank(s["Image"]), substitutions, Blank(s["BuildConfig"]), gitUrl, canary, tag, preview, container, jobs);
        s.RejectUnknown();
        return settings;
    }

    /// <summary>The image to deploy without a build, its placeholders filled in.</summary>
    public string? ImageFor(string? sha) => Image is null ? null
        : sha is null ? Image : Image.Replace("{sha}", sha, StringComparison.Ordinal).Replace("{short_sha}", sha[..Math.Min(7, sha.Length)], StringComparison.Ordinal);

    private static string Required(SettingsSection s, string key, Regex pattern, string what, Func<string, string> path)
    {
        var value = Blank(s[key]) ?? throw s.Missing(key, what);
        return pattern.IsMatch(value) ? value : throw new ConfigException(path(key), $"'{value}' is not {what}");
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();

    // Google asks for 6 to 30 characters; shorter ids are let through (examples use "acme"), Google refuses them if they are wrong.
    [GeneratedRegex("^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{0,28}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectId();

    [GeneratedRegex("^[a-z]+-[a-z]+[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();

    [GeneratedRegex("^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceId();

    [GeneratedRegex("^[a-z](?:[a-z0-9-]{0,44}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex TagName();

    [GeneratedRegex("^_[A-Z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SubstitutionName();
}
