using System.Text;
using System.Text.Json.Nodes;

namespace Bot.Tests.Reliability;

/// <summary>
/// Breaks JSON the way a parser fears: values of the wrong type anywhere in the tree, missing and extra keys,
/// duplicate keys, nesting bombs, arrays or scalars where an object belongs, and text that is not JSON any more.
/// </summary>
public sealed class FuzzJson(Random random, FuzzText text)
{
    /// <summary>A structurally odd copy of <paramref name="root"/>: some nodes replaced, removed or added.</summary>
    public JsonNode Mutate(JsonNode root)
    {
        var copy = root.DeepClone();
        var times = 1 + random.Next(3);
        for (var i = 0; i < times; i++)
        {
            var nodes = Walk(copy).Where(n => n.Parent is not null).ToList();
            if (nodes.Count == 0) break;
            var node = nodes[random.Next(nodes.Count)];
            switch (node.Parent)
            {
                case JsonObject parent when random.Next(4) == 0:
                    parent.Remove(node.GetPropertyName());
                    break;
                case JsonObject parent:
                    parent[node.GetPropertyName()] = Odd();
                    break;
                case JsonArray array:
                    array[node.GetElementIndex()] = Odd();
                    break;
            }
        }
        if (copy is JsonObject obj && random.Next(4) == 0) obj[text.Next()] = Odd();
        return copy;
    }

    /// <summary>A value of any kind, mostly not the one expected where it lands.</summary>
    public JsonNode? Odd() => random.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * 1e300),
        4 => JsonValue.Create(-0.5),
        5 => new JsonArray(),
        6 => new JsonObject(),
        7 => new JsonArray(JsonValue.Create(1), JsonValue.Create("two"), null, new JsonObject()),
        8 => new JsonObject { ["id"] = 7, ["type"] = new JsonArray(), ["text"] = new JsonObject() },
        9 => Deep(random.Next(5, 60)),
        10 => JsonValue.Create(text.Long()),
        11 => JsonValue.Create(""),
        _ => JsonValue.Create(text.NextForJson()),
    };

    /// <summary>Nested arrays and objects, <paramref name="depth"/> levels (the parser's limit is 64).</summary>
    public static JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create("bottom");
        for (var i = 0; i < depth; i++) node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["a"] = node };
        return node;
    }

    /// <summary>The JSON text of <paramref name="node"/>, with lone surrogates written as escapes.</summary>
    public static string Serialize(JsonNode? node) =>
        (node?.ToJsonString() ?? "null").Replace(FuzzText.LoneSurrogate, "\\ud800", StringComparison.Ordinal);

    /// <summary>JSON text that breaks in some way the tree cannot: duplicates, bombs, truncation, non-JSON.</summary>
    public string BreakText(string json) => random.Next(10) switch
    {
        0 => json.Length > 2 ? json[..random.Next(1, json.Length - 1)] : "{",
        1 => DuplicateKey(json),
        2 => Bomb(random.Next(2) == 0 ? random.Next(65, 200) : random.Next(10_000, 200_000)),
        3 => "[" + json + "]",
        4 => random.Next(3) switch { 0 => "\"just a string\"", 1 => "42", _ => "null" },
        5 => json + (random.Next(2) == 0 ? "}" : " trailing"),
        6 => json.Replace("\"", "'", StringComparison.Ordinal),
        7 => "{\"a\":1,}",
        8 => "\uFEFF" + json,
        _ => "",
    };

    /// <summary>Repeats the first key of the outer object with another value, in front of the original.</summary>
    private string DuplicateKey(string json)
    {
        var start = json.IndexOf("{\"", StringComparison.Ordinal);
        if (start < 0) return json;
        var end = json.IndexOf('"', start + 2);
        var key = json[(start + 2)..end];
        return json[..(start + 1)] + $"\"{key}\":{Serialize(Odd())}," + json[(start + 1)..];
    }

    private static string Bomb(int depth) => new StringBuilder(depth * 2).Append('[', depth).Append(']', depth).ToString();

    private static IEnumerable<JsonNode> Walk(JsonNode? node)
    {
        if (node is null) yield break;
        yield return node;
        var children = node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => a, _ => [] };
        foreach (var child in children.ToList())
            foreach (var n in Walk(child)) yield return n;
    }
}
