using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Tests.Support;

/// <summary>One operation of GitHub's OpenAPI description: method, path template and the pattern that matches it.</summary>
public sealed record GitHubOperation(string Method, string Template, string Id, Regex Pattern, IReadOnlyList<string> PathNames, JsonObject Operation)
{
    /// <summary>More literal text means a closer match: <c>/commits/{ref}/status</c> before <c>/commits/{ref}</c>.</summary>
    public int Literal => Regex.Replace(Template, @"\{[^}]+\}", "").Length;
}

/// <summary>
/// GitHub's REST description (tests/specs/github/rest-subset.json, octokit's build of github/rest-api-description), used
/// by <see cref="FakeGitHub"/> to judge every request: method and path must be an operation, path and query values must
/// be of the declared types and enums, and the body must hold the required fields with the declared types. A body field
/// the schema does not name is a problem too: GitHub would ignore it silently, which hides a misspelt name.
/// </summary>
public static class GitHubRestSpec
{
    public static string FilePath { get; } = Specs.PathOf("github/rest-subset.json");

    private static readonly Lazy<JsonObject> Document = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(FilePath))!);
    private static readonly Lazy<IReadOnlyList<GitHubOperation>> AllOperations = new(Index);

    public static JsonObject Root => Document.Value;
    public static IReadOnlyList<GitHubOperation> Operations => AllOperations.Value;

    /// <summary>The example GitHub's description gives for <paramref name="name"/> (<c>combined-commit-status</c>), a fresh copy.</summary>
    public static JsonNode Example(string name) => Root["components"]!["examples"]![name]!["value"]!.DeepClone();

    /// <summary>The operation a request is, and its problems (none when GitHub would take it as sent).</summary>
    public static (GitHubOperation? Operation, List<string> Problems) Check(string method, string path, IReadOnlyDictionary<string, string> query, JsonNode? body)
    {
        var fits = Operations.Where(o => o.Pattern.IsMatch(path)).OrderByDescending(o => o.Literal).ToList();
        if (fits.Count == 0) return (null, [$"{method} {path}: no operation of GitHub's REST API has this path"]);
        var literal = fits[0].Literal;
        if (fits.Where(o => o.Literal == literal).FirstOrDefault(o => o.Method == method) is not { } op)
            return (null, [$"{method} {path}: {fits[0].Template} takes {string.Join(", ", fits.Where(o => o.Literal == literal).Select(o => o.Method))}, not {method}"]);

        var problems = new List<string>();
        var parameters = (op.Operation["parameters"] as JsonArray ?? []).Select(p => Resolve((JsonObject)p!)).ToList();
        var values = op.Pattern.Match(path).Groups.Cast<Group>().Skip(1).Select(g => Uri.UnescapeDataString(g.Value)).ToList();
        foreach (var (name, value) in op.PathNames.Zip(values))
            if (parameters.FirstOrDefault(p => p["in"]?.GetValue<string>() == "path" && p["name"]?.GetValue<string>() == name) is { } declared)
                problems.AddRange(CheckValue(value, (JsonObject)declared["schema"]!, $"path {name}"));
        foreach (var (name, value) in query)
        {
            if (parameters.FirstOrDefault(p => p["in"]?.GetValue<string>() == "query" && p["name"]?.GetValue<string>() == name) is not { } declared)
                problems.Add($"query {name} is not a parameter of {op.Id}");
            else problems.AddRange(CheckValue(value, (JsonObject)declared["schema"]!, $"query {name}"));
        }
        var requestBody = op.Operation["requestBody"] as JsonObject;
        if (requestBody?["content"]?["application/json"]?["schema"] is JsonObject schema)
        {
            if (body is null && requestBody["required"]?.GetValue<bool>() == true) problems.Add($"{op.Id} needs a JSON body");
            else if (body is not null) problems.AddRange(Validate(body, schema, "body", strict: true));
        }
        else if (body is not null) problems.Add($"{op.Id} takes no body");
        return (op, problems.Select(p => $"{method} {op.Template} ({op.Id}): {p}").ToList());
    }

    /// <summary>Walks a value against an OpenAPI schema: $ref, oneOf/anyOf/allOf, nullable, type, enum, required, properties, items.</summary>
    public static IEnumerable<string> Validate(JsonNode? value, JsonObject schema, string at, bool strict = false)
    {
        schema = Resolve(schema);
        if (value is null) return schema["nullable"]?.GetValue<bool>() == true || schema["type"] is null ? [] : [$"{at} is null, which the schema does not allow"];
        if (schema["allOf"] is JsonArray allOf) return allOf.SelectMany(s => Validate(value, (JsonObject)s!, at, strict)).ToList();
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray alternatives)
            return alternatives.Any(s => !Validate(value, (JsonObject)s!, at, strict).Any()) ? [] : [$"{at} matches none of its alternatives"];
        var problems = new List<string>();
        var kind = KindOf(value);
        if (schema["type"]?.GetValue<string>() is { } type && type != kind && !(type == "number" && kind == "integer"))
            return [$"{at} is {kind}, the schema says {type}"];
        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            problems.Add($"{at} is {value.ToJsonString()}, not one of {options.ToJsonString()}");
        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
                if (!obj.ContainsKey(required)) problems.Add($"{at}.{required} is required");
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is JsonObject childSchema) problems.AddRange(Validate(child, childSchema, $"{at}.{name}", strict));
                else if (properties is not null && (strict || schema["additionalProperties"] is JsonValue a && !a.GetValue<bool>()))
                    problems.Add($"{at}.{name} is not a field the schema names");
            }
        }
        if (value is JsonArray array && schema["items"] is JsonObject items)
            for (var i = 0; i < array.Count; i++) problems.AddRange(Validate(array[i], items, $"{at}[{i}]", strict));
        return problems;
    }

    /// <summary>Follows <c>$ref</c>s such as <c>#/components/schemas/check-run</c>.</summary>
    public static JsonObject Resolve(JsonObject schema)
    {
        while (schema["$ref"] is JsonValue r)
        {
            JsonNode? node = Root;
            foreach (var part in r.GetValue<string>().TrimStart('#', '/').Split('/')) node = node?[part];
            schema = node as JsonObject ?? throw new InvalidOperationException($"The description has no {r}");
        }
        return schema;
    }

    /// <summary>The schema of an operation's answer with <paramref name="status"/>.</summary>
    public static JsonObject? ResponseSchema(GitHubOperation op, int status) =>
        op.Operation["responses"]?[status.ToString()] is JsonObject response ? Resolve(response)["content"]?["application/json"]?["schema"] as JsonObject : null;

    private static IEnumerable<string> CheckValue(string text, JsonObject schema, string at)
    {
        schema = Resolve(schema);
        JsonNode? value = schema["type"]?.GetValue<string>() == "integer" && long.TryParse(text, out var n) ? JsonValue.Create(n) : JsonValue.Create(text);
        if (text.Length == 0) return [$"{at} is empty"];
        return Validate(value, schema, at);
    }

    private static string KindOf(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0 ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    private static List<GitHubOperation> Index()
    {
        var operations = new List<GitHubOperation>();
        foreach (var (template, item) in (JsonObject)Root["paths"]!)
        {
            var names = Regex.Matches(template, @"\{([^}]+)\}").Select(m => m.Groups[1].Value).ToList();
            foreach (var (method, operation) in (JsonObject)item!)
            {
                if (operation is not JsonObject op || method == "parameters") continue;
                // A multi-segment parameter (a ref such as heads/main) may hold slashes; the others may not.
                var multi = (op["parameters"] as JsonArray ?? []).Select(p => Resolve((JsonObject)p!))
                    .Where(p => p["x-multi-segment"]?.GetValue<bool>() == true).Select(p => p["name"]!.GetValue<string>()).ToHashSet();
                var pattern = Regex.Replace(Regex.Escape(template).Replace(@"\{", "{"), @"\{([^}]+)}", m => multi.Contains(m.Groups[1].Value) ? "(.+?)" : "([^/]+)");
                operations.Add(new GitHubOperation(method.ToUpperInvariant(), template, op["operationId"]!.GetValue<string>(), new Regex($"^{pattern}$"), names, op));
            }
        }
        return operations;
    }
}
