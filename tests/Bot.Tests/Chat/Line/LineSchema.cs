using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Line;

/// <summary>What is wrong with a request, and where: <see cref="Property"/> in LINE's own notation (<c>messages[0].text</c>).</summary>
public sealed record LineProblem(string Property, string Message)
{
    public override string ToString() => Property.Length == 0 ? Message : $"{Property}: {Message}";
}

/// <summary>
/// Checks a JSON value against a schema of <see cref="LineSpec"/>, the OpenAPI 3.0 subset LINE's document uses: <c>$ref</c>,
/// <c>allOf</c>, discriminators (<c>Message</c> by <c>type</c> to <c>TextMessage</c>, <c>FlexMessage</c>…; the same for Flex
/// containers, components and actions), required properties, types, enums, lengths, item counts and ranges, and
/// <see cref="LineLimits"/> where LINE's reference pages say more than the document does.
/// </summary>
public static class LineSchema
{
    public static List<LineProblem> Check(JsonNode? value, JsonObject schema)
    {
        var problems = new List<LineProblem>();
        Check(value, schema, "", problems);
        return problems;
    }

    private static void Check(JsonNode? value, JsonObject schemaNode, string at, List<LineProblem> problems)
    {
        var (schema, name) = LineSpec.Resolve(schemaNode);
        if (value is null)
        {
            problems.Add(new(at, "is null; leave the property out instead"));
            return;
        }
        if (schema["discriminator"] is JsonObject discriminator && value is JsonObject tagged)
        {
            var tag = (string)discriminator["propertyName"]!;
            var mapping = discriminator["mapping"]!.AsObject();
            if (tagged[tag] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                problems.Add(new(Join(at, tag), $"is required: it says which kind of {name ?? "object"} this is"));
                return;
            }
            if (mapping[(string)v!] is not JsonValue target)
            {
                problems.Add(new(Join(at, tag), $"'{(string)v!}' is not one of {string.Join(", ", mapping.Select(m => m.Key))}"));
                return;
            }
            (schema, name) = LineSpec.Resolve(new JsonObject { ["$ref"] = (string)target! });
        }

        var shape = Shape.Of(schema);
        switch (shape.Type)
        {
            case "object": CheckObject(value, shape, name, at, problems); break;
            case "array": CheckArray(value, schema, at, problems); break;
            case "string": CheckString(value, schema, at, problems); break;
            case "integer" or "number": CheckNumber(value, schema, shape.Type, at, problems); break;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) problems.Add(new(at, $"must be a boolean, not {value.ToJsonString()}"));
                break;
        }
    }

    private static void CheckObject(JsonNode value, Shape shape, string? name, string at, List<LineProblem> problems)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(new(at, $"must be an object{(name is null ? "" : $" ({name})")}, not {value.ToJsonString()}"));
            return;
        }
        foreach (var required in shape.Required.Where(r => !obj.ContainsKey(r)))
            problems.Add(new(Join(at, required), $"is required{(name is null ? "" : $" in {name}")}"));
        foreach (var (key, child) in obj)
        {
            if (shape.Properties.TryGetValue(key, out var propertySchema)) Check(child, propertySchema, Join(at, key), problems);
            else if (shape.Additional is { } additional) Check(child, additional, Join(at, key), problems);
            else if (shape.Properties.Count > 0) problems.Add(new(Join(at, key), $"is not a property of {name ?? "this object"}"));
            if (name is not null && child is not null && LineLimits.Problem(name, key, child, Join(at, key)) is { } limit) problems.Add(limit);
        }
    }

    private static void CheckArray(JsonNode value, JsonObject schema, string at, List<LineProblem> problems)
    {
        if (value is not JsonArray array)
        {
            problems.Add(new(at, $"must be an array, not {value.ToJsonString()}"));
            return;
        }
        if (Number(schema, "minItems") is { } min && array.Count < min) problems.Add(new(at, $"has {array.Count} items; at least {min} are required"));
        if (Number(schema, "maxItems") is { } max && array.Count > max) problems.Add(new(at, $"has {array.Count} items; at most {max} are allowed"));
        if (schema["items"] is JsonObject items)
            for (var i = 0; i < array.Count; i++) Check(array[i], items, $"{at}[{i}]", problems);
    }

    private static void CheckString(JsonNode value, JsonObject schema, string at, List<LineProblem> problems)
    {
        if (value.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new(at, $"must be a string, not {value.ToJsonString()}"));
            return;
        }
        var text = value.GetValue<string>();
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a?.ToString() == text))
            problems.Add(new(at, $"'{text}' is not one of {string.Join(", ", allowed)}"));
        if (Number(schema, "maxLength") is { } max && LineLimits.Length(text) > max) problems.Add(new(at, $"is {LineLimits.Length(text)} characters long; at most {max} are allowed"));
        if (Number(schema, "minLength") is { } min && LineLimits.Length(text) < min) problems.Add(new(at, $"must be at least {min} characters long"));
        var format = (string?)schema["format"];
        if (format == "uri" && !Uri.TryCreate(text, UriKind.Absolute, out _)) problems.Add(new(at, $"'{text}' is not an absolute URI"));
        if (format == "uuid" && !Guid.TryParseExact(text, "D", out _)) problems.Add(new(at, $"'{text}' is not a UUID"));
    }

    private static void CheckNumber(JsonNode value, JsonObject schema, string type, string at, List<LineProblem> problems)
    {
        if (value.GetValueKind() != JsonValueKind.Number || type == "integer" && !value.AsValue().TryGetValue<long>(out _))
        {
            problems.Add(new(at, $"must be {(type == "integer" ? "an integer" : "a number")}, not {value.ToJsonString()}"));
            return;
        }
        var n = value.GetValue<double>();
        if (Number(schema, "minimum") is { } min && n < min) problems.Add(new(at, $"is {n}; the minimum is {min}"));
        if (Number(schema, "maximum") is { } max && n > max) problems.Add(new(at, $"is {n}; the maximum is {max}"));
    }

    private static double? Number(JsonObject schema, string keyword) =>
        schema[keyword] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number ? null : v.TryGetValue<long>(out var n) ? n : v.GetValue<double>();

    private static string Join(string at, string property) => at.Length == 0 ? property : $"{at}.{property}";

    /// <summary>A schema with its <c>allOf</c> parts merged: the properties and required names of all of them.</summary>
    private sealed record Shape(string? Type, Dictionary<string, JsonObject> Properties, HashSet<string> Required, JsonObject? Additional)
    {
        public static Shape Of(JsonObject schema)
        {
            var shape = new Shape(null, new(StringComparer.Ordinal), new(StringComparer.Ordinal), null);
            return shape.Merge(schema);
        }

        // A base reached through allOf is not dispatched again by its discriminator: its own properties are what it adds.
        private Shape Merge(JsonObject schema)
        {
            var merged = this with { Type = Type ?? (string?)schema["type"], Additional = Additional ?? schema["additionalProperties"] as JsonObject };
            foreach (var (key, property) in schema["properties"]?.AsObject() ?? []) merged.Properties[key] = property!.AsObject();
            foreach (var required in schema["required"]?.AsArray() ?? []) merged.Required.Add((string)required!);
            foreach (var part in schema["allOf"]?.AsArray() ?? []) merged = merged.Merge(LineSpec.Resolve(part!.AsObject()).Schema);
            return merged.Type is null && merged.Properties.Count > 0 ? merged with { Type = "object" } : merged;
        }
    }
}
