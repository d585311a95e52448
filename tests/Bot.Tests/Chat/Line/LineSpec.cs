using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bot.Tests.Chat.Line;

/// <summary>One parameter of an operation: in the path, the query or a header.</summary>
public sealed record LineSpecParameter(string Name, string In, bool Required, JsonObject Schema);

/// <summary>One operation of the Messaging API: a path template and an HTTP method, its parameters and its body schema.</summary>
/// <remarks><see cref="Server"/> is the operation's own base where it has one (the blob calls live on <c>https://api-data.line.me</c>).</remarks>
public sealed record LineSpecOperation(string Template, string Method, IReadOnlyList<LineSpecParameter> Parameters, JsonObject? Body, bool BodyRequired,
    string? Server = null)
{
    public IEnumerable<LineSpecParameter> Headers => Parameters.Where(p => p.In == "header");
}

/// <summary>A request path matched to a template, with the values of the template's <c>{names}</c>.</summary>
public sealed record LineSpecPath(string Template, IReadOnlyDictionary<string, LineSpecOperation> Operations, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// LINE's official OpenAPI description of the Messaging API (tests/specs/line/messaging-api.yml), read once with YamlDotNet
/// into JSON nodes, so that <see cref="LineSchema"/> can walk its schemas the way it walks the request bodies.
/// </summary>
public static class LineSpec
{
    public static string FilePath { get; } = Specs.PathOf("line/messaging-api.yml");

    private static readonly Lazy<JsonObject> Document = new(() => (JsonObject)ToJson(Load(FilePath))!);

    private static readonly Lazy<IReadOnlyList<(string Template, string[] Segments, Dictionary<string, LineSpecOperation> Operations)>> Paths =
        new(IndexPaths);

    public static JsonObject Root => Document.Value;

    public static int OperationCount => Paths.Value.Sum(p => p.Operations.Count);

    /// <summary>The template a path belongs to; where several fit, the one with most literal segments (<c>/message/reply</c> over <c>/message/{messageId}</c>).</summary>
    public static LineSpecPath? Match(string path)
    {
        var segments = path.Trim('/').Split('/');
        var best = Paths.Value
            .Where(p => p.Segments.Length == segments.Length && p.Segments.Zip(segments).All(s => IsName(s.First) ? s.Second.Length > 0 : s.First == s.Second))
            .OrderByDescending(p => p.Segments.Count(s => !IsName(s)))
            .FirstOrDefault();
        if (best.Template is null) return null;
        var values = best.Segments.Zip(segments).Where(s => IsName(s.First))
            .ToDictionary(s => s.First.Trim('{', '}'), s => Uri.UnescapeDataString(s.Second));
        return new LineSpecPath(best.Template, best.Operations, values);
    }

    /// <summary>A schema of <c>components/schemas</c> by name.</summary>
    public static JsonObject Schema(string name) => (JsonObject)Root["components"]!["schemas"]![name]!;

    /// <summary>Follows a <c>$ref</c> such as <c>#/components/schemas/Message</c>; the name is the last part of it.</summary>
    public static (JsonObject Schema, string? Name) Resolve(JsonObject schema)
    {
        string? name = null;
        while (schema["$ref"] is JsonValue r)
        {
            var pointer = (string)r!;
            name = pointer[(pointer.LastIndexOf('/') + 1)..];
            JsonNode? node = Root;
            foreach (var part in pointer.TrimStart('#', '/').Split('/')) node = node?[part];
            schema = node as JsonObject ?? throw new InvalidOperationException($"The spec has no {pointer}");
        }
        return (schema, name);
    }

    private static bool IsName(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    private static List<(string, string[], Dictionary<string, LineSpecOperation>)> IndexPaths()
    {
        var index = new List<(string, string[], Dictionary<string, LineSpecOperation>)>();
        foreach (var (template, item) in Root["paths"]!.AsObject())
        {
            var shared = Parameters(item!["parameters"]);
            var operations = new Dictionary<string, LineSpecOperation>(StringComparer.Ordinal);
            foreach (var (verb, op) in item!.AsObject().Where(p => p.Key != "parameters"))
            {
                var body = op!["requestBody"];
                var schema = body?["content"]?["application/json"]?["schema"] as JsonObject;
                operations[verb.ToUpperInvariant()] = new LineSpecOperation(template, verb.ToUpperInvariant(),
                    [.. shared, .. Parameters(op["parameters"])], schema, body?["required"]?.GetValue<bool>() == true,
                    (string?)op["servers"]?[0]?["url"]);
            }
            index.Add((template, template.Trim('/').Split('/'), operations));
        }
        return index;
    }

    private static IEnumerable<LineSpecParameter> Parameters(JsonNode? list) =>
        list is JsonArray parameters
            ? parameters.Select(p => new LineSpecParameter((string)p!["name"]!, (string)p["in"]!, p["required"]?.GetValue<bool>() == true,
                p["schema"] as JsonObject ?? []))
            : [];

    private static YamlNode Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents[0].RootNode;
    }

    /// <summary>YAML as JSON: plain scalars that read as numbers or booleans become those; quoted ones stay text.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } => Plain(v ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        "null" or "~" or "" => null,
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) && !value.Contains(':') => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
