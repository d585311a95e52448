using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Tests.Support;

namespace Bot.Tests.Targets.Heroku;

/// <summary>One link of Heroku's hyper-schema: a method, an href whose <c>{(#/definitions/…)}</c> parts are values of those definitions, and a body schema.</summary>
public sealed record HerokuLink(string Resource, string Title, string Method, string Href, Regex Pattern, IReadOnlyList<string> Parameters, JsonObject? Body);

/// <summary>
/// Heroku's own Platform API schema (tests/specs/heroku/schema.json), used by <see cref="FakeHerokuApi"/> to judge every
/// request: the method and path must be a link, the path's values must be of the definitions the href names, and the
/// body must have the link schema's required properties with the declared types (and no others where the schema is strict).
/// </summary>
public static class HerokuSchema
{
    public static string FilePath { get; } = Specs.PathOf("heroku/schema.json");

    private static readonly Lazy<JsonObject> Document = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(FilePath))!);
    private static readonly Lazy<IReadOnlyList<HerokuLink>> AllLinks = new(Index);

    public static JsonObject Root => Document.Value;
    public static IReadOnlyList<HerokuLink> Links => AllLinks.Value;

    /// <summary>The links whose href fits <paramref name="path"/>, whatever their method.</summary>
    public static IReadOnlyList<HerokuLink> Match(string path) => Links.Where(l => l.Pattern.IsMatch(path)).ToList();

    /// <summary>Problems of a request: none when some link of this method and path takes the path's values and the body.</summary>
    public static List<string> Check(string method, string path, JsonNode? body)
    {
        var paths = Match(path);
        if (paths.Count == 0) return [$"{method} {path}: no link of the Platform API has this path"];
        var links = paths.Where(l => l.Method == method).ToList();
        if (links.Count == 0) return [$"{method} {path}: {paths[0].Href} takes {string.Join(", ", paths.Select(l => l.Method).Distinct())}, not {method}"];
        // Where two links share method and path (release Create and Rollback), judge by the one whose properties the body uses.
        links = links.OrderByDescending(l => body is JsonObject o && l.Body?["properties"] is JsonObject p ? o.Count(kv => p.ContainsKey(kv.Key)) : 0).ToList();
        List<string>? best = null;
        foreach (var link in links)
        {
            var problems = new List<string>();
            var values = link.Pattern.Match(path).Groups.Cast<Group>().Skip(1).Select(g => Uri.UnescapeDataString(g.Value)).ToList();
            foreach (var (value, pointer) in values.Zip(link.Parameters))
                if (!FitsPathValue(value, pointer)) problems.Add($"'{value}' in the path is not a value of {pointer}");
            if (link.Body is { } schema && body is null && schema["required"] is JsonArray { Count: > 0 })
                problems.Add($"{link.Title} needs a JSON body");
            else if (body is not null) problems.AddRange(Validate(body, link.Body ?? new JsonObject(), "body"));
            if (problems.Count == 0) return [];
            if (best is null || problems.Count < best.Count) best = problems.Select(p => $"{method} {link.Href} ({link.Resource} {link.Title}): {p}").ToList();
        }
        return best!;
    }

    /// <summary>Walks a value against a schema: $ref, anyOf, type, enum, format uuid, pattern, required, properties, patternProperties, strictness, items.</summary>
    public static IEnumerable<string> Validate(JsonNode? value, JsonObject schema, string at)
    {
        schema = Resolve(schema);
        if (schema["anyOf"] is JsonArray anyOf)
        {
            var fits = anyOf.Any(s => !Validate(value, (JsonObject)s!, at).Any());
            return fits ? [] : [$"{at} matches none of its alternatives"];
        }
        var problems = new List<string>();
        var kind = KindOf(value);
        if (Types(schema) is { Count: > 0 } types && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
            return [$"{at} is {kind}, the schema says {string.Join(" or ", types)}"];
        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            problems.Add($"{at} is {value?.ToJsonString()}, not one of {options.ToJsonString()}");
        if (kind == "string")
        {
            var text = value!.GetValue<string>();
            if (schema["format"]?.GetValue<string>() == "uuid" && !Guid.TryParse(text, out _)) problems.Add($"{at} '{text}' is not a uuid");
            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern)) problems.Add($"{at} '{text}' does not match {pattern}");
        }
        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
                if (!obj.ContainsKey(required)) problems.Add($"{at}.{required} is required");
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is JsonObject childSchema) problems.AddRange(Validate(child, childSchema, $"{at}.{name}"));
                else if (PatternFor(schema, name) is { } patterned) problems.AddRange(Validate(child, patterned, $"{at}.{name}"));
                else if (schema["patternProperties"] is JsonObject && schema["additionalProperties"] is JsonValue no && !no.GetValue<bool>())
                    problems.Add($"{at}.{name} is not a name the schema allows");
                else if (properties is not null && (schema["additionalProperties"] is JsonValue a && !a.GetValue<bool>() || schema["strictProperties"] is JsonValue s && s.GetValue<bool>()))
                    problems.Add($"{at}.{name} is not a property the schema allows");
            }
        }
        if (value is JsonArray array && schema["items"] is JsonObject items)
            for (var i = 0; i < array.Count; i++) problems.AddRange(Validate(array[i], items, $"{at}[{i}]"));
        return problems;
    }

    /// <summary>The schema of the first <c>patternProperties</c> entry whose pattern fits <paramref name="name"/> (config vars: <c>^\w+$</c>).</summary>
    private static JsonObject? PatternFor(JsonObject schema, string name) =>
        (schema["patternProperties"] as JsonObject)?.FirstOrDefault(p => Regex.IsMatch(name, p.Key)).Value as JsonObject;

    /// <summary>Follows <c>$ref</c>s such as <c>#/definitions/app/definitions/name</c>.</summary>
    public static JsonObject Resolve(JsonObject schema)
    {
        while (schema["$ref"] is JsonValue r)
        {
            JsonNode? node = Root;
            foreach (var part in r.GetValue<string>().TrimStart('#', '/').Split('/')) node = node?[part];
            schema = node as JsonObject ?? throw new InvalidOperationException($"The schema has no {r}");
        }
        return schema;
    }

    private static bool FitsPathValue(string value, string pointer)
    {
        var schema = new JsonObject { ["$ref"] = pointer };
        if (!Validate(JsonValue.Create(value), schema, "value").Any()) return true;
        return long.TryParse(value, out var number) && !Validate(JsonValue.Create(number), schema, "value").Any();
    }

    private static List<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray a => a.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0 ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    private static List<HerokuLink> Index()
    {
        var links = new List<HerokuLink>();
        foreach (var (resource, definition) in (JsonObject)Root["definitions"]!)
            foreach (var link in definition?["links"] as JsonArray ?? [])
            {
                var href = link!["href"]!.GetValue<string>();
                // Split keeps the captured pointers at the odd places, between the literal parts.
                var parts = Regex.Split(href, @"\{\(([^)]*)\)\}");
                var parameters = parts.Where((_, i) => i % 2 == 1).Select(Uri.UnescapeDataString).ToList();
                var pattern = string.Concat(parts.Select((p, i) => i % 2 == 0 ? Regex.Escape(p) : "([^/]+)"));
                links.Add(new HerokuLink(resource, link["title"]?.GetValue<string>() ?? "", link["method"]!.GetValue<string>(), href,
                    new Regex($"^{pattern}$"), parameters, link["schema"] as JsonObject));
            }
        return links;
    }
}
