using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>One method of a discovery document: HTTP method, its flat path as a pattern, its parameters and its request schema.</summary>
public sealed record DiscoveryMethod(string Id, string HttpMethod, Regex FlatPath, Regex Path, IReadOnlyList<string> PathParameters, JsonObject Parameters, string? RequestSchema);

/// <summary>
/// A Google discovery document (tests/specs/google/*.json, as Google publishes them) used by <see cref="FakeGoogleCloud"/> to
/// judge each request: the method and path must be one of the document's methods, each path parameter must match its
/// pattern, required query parameters must be there and no unknown ones, and every body field must exist in the
/// request schema with the declared type (and enum value).
/// </summary>
public sealed class GoogleDiscovery
{
    private static readonly Dictionary<string, GoogleDiscovery> Loaded = [];
    private readonly JsonObject _doc;
    private readonly List<DiscoveryMethod> _methods = [];

    private GoogleDiscovery(JsonObject doc)
    {
        _doc = doc;
        Walk(doc["resources"] as JsonObject);
    }

    public static GoogleDiscovery Of(string file)
    {
        lock (Loaded)
            return Loaded.TryGetValue(file, out var d) ? d
                : Loaded[file] = new GoogleDiscovery((JsonObject)JsonNode.Parse(File.ReadAllText(Specs.PathOf($"google/{file}")))!);
    }

    public JsonObject Schema(string name) => (JsonObject)_doc["schemas"]![name]!;

    /// <summary>The method a request is, and its problems (none when the document allows it).</summary>
    public (DiscoveryMethod? Method, List<string> Problems) Check(string method, string path, IReadOnlyDictionary<string, string> query, JsonNode? body)
    {
        var byPath = _methods.Where(m => m.FlatPath.IsMatch(path)).ToList();
        if (byPath.Count == 0) return (null, [$"{method} {path}: no method of {_doc["name"]} {_doc["version"]} has this path"]);
        var found = byPath.FirstOrDefault(m => m.HttpMethod == method);
        if (found is null) return (null, [$"{method} {path}: {byPath[0].Id} takes {string.Join(", ", byPath.Select(m => m.HttpMethod))}, not {method}"]);
        var problems = new List<string>();
        var values = found.Path.Match(path);
        foreach (var p in found.PathParameters)
        {
            var value = Uri.UnescapeDataString(values.Groups[p].Value);
            if (found.Parameters[p]?["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(value, pattern))
                problems.Add($"path parameter {p} '{value}' does not match {pattern}");
        }
        var standard = _doc["parameters"] as JsonObject ?? [];
        foreach (var (name, _) in query)
            if (found.Parameters[name]?["location"]?.GetValue<string>() != "query" && !standard.ContainsKey(name))
                problems.Add($"query parameter {name} is not a parameter of {found.Id}");
        foreach (var (name, p) in found.Parameters)
            if (p!["location"]?.GetValue<string>() == "query" && p["required"]?.GetValue<bool>() == true && !query.ContainsKey(name))
                problems.Add($"query parameter {name} is required");
        if (found.RequestSchema is { } schema)
        {
            if (body is null) problems.Add($"{found.Id} takes a {schema} body");
            else problems.AddRange(Validate(body, new JsonObject { ["$ref"] = schema }, "body"));
        }
        else if (body is not null) problems.Add($"{found.Id} takes no body");
        return (found, problems.Select(p => $"{method} {path} ({found.Id}): {p}").ToList());
    }

    /// <summary>Walks a value against a discovery schema: $ref, type, format, enum, properties (none unknown), additionalProperties, items.</summary>
    public IEnumerable<string> Validate(JsonNode? value, JsonObject schema, string at)
    {
        while (schema["$ref"]?.GetValue<string>() is { } r) schema = Schema(r);
        if (value is null) return [];
        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        var problems = new List<string>();
        switch (type)
        {
            case "string" when kind == System.Text.Json.JsonValueKind.String:
                if (schema["enum"] is JsonArray options && !options.Any(o => o!.GetValue<string>() == value.GetValue<string>()))
                    problems.Add($"{at} is '{value}', not one of {options.ToJsonString()}");
                break;
            case "string" when kind == System.Text.Json.JsonValueKind.Number && schema["format"]?.GetValue<string>() is "int64" or "uint64":
                break;
            case "integer" or "number" when kind == System.Text.Json.JsonValueKind.Number:
                break;
            case "boolean" when kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False:
                break;
            case "any":
                break;
            case "array" when value is JsonArray array:
                for (var i = 0; i < array.Count; i++) problems.AddRange(Validate(array[i], (JsonObject)schema["items"]!, $"{at}[{i}]"));
                break;
            case "object" when value is JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                foreach (var (name, child) in obj)
                {
                    if (properties?[name] is JsonObject p) problems.AddRange(Validate(child, p, $"{at}.{name}"));
                    else if (schema["additionalProperties"] is JsonObject extra) problems.AddRange(Validate(child, extra, $"{at}.{name}"));
                    else problems.Add($"{at}.{name} is not a field of the schema");
                }
                break;
            default:
                problems.Add($"{at} is {kind}, the schema says {type}");
                break;
        }
        return problems;
    }

    /// <summary>A path template (<c>v1/{+name}:cancel</c>) as a pattern: literal parts escaped, each parameter as <paramref name="parameter"/> says.</summary>
    private static string Template(string template, Func<bool, string, string> parameter)
    {
        var parts = Regex.Split(template, @"\{(\+?)(\w+)\}");
        var pattern = new System.Text.StringBuilder();
        for (var i = 0; i < parts.Length; i += 3)
        {
            pattern.Append(Regex.Escape(parts[i]));
            if (i + 2 < parts.Length) pattern.Append(parameter(parts[i + 1] == "+", parts[i + 2]));
        }
        return pattern.ToString();
    }

    private void Walk(JsonObject? resources)
    {
        foreach (var (_, resource) in resources ?? [])
        {
            foreach (var (_, m) in resource!["methods"] as JsonObject ?? [])
            {
                var flat = m!["flatPath"]?.GetValue<string>() ?? m["path"]!.GetValue<string>();
                var path = m["path"]!.GetValue<string>();
                var names = new List<string>();
                var pathPattern = Template(path, (plus, name) =>
                {
                    names.Add(name);
                    return plus ? $"(?<{name}>.+)" : $"(?<{name}>[^/]+)";
                });
                var flatPattern = Template(flat, (_, _) => "[^/:]+");
                _methods.Add(new DiscoveryMethod(m["id"]!.GetValue<string>(), m["httpMethod"]!.GetValue<string>(), new Regex($"^{flatPattern}$"),
                    new Regex($"^{pathPattern}$"), names, m["parameters"] as JsonObject ?? [], m["request"]?["$ref"]?.GetValue<string>()));
            }
            Walk(resource["resources"] as JsonObject);
        }
    }
}
