using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Http;

/// <summary>
/// Reads fields of what a webhook sent, which need not have the documented shape: a field that is missing, of another
/// JSON type, or a string that is not text (an escaped lone surrogate) reads as null. The casts of System.Text.Json throw
/// for all of these, and a signed but odd body must be answered, not turned into an exception.
/// </summary>
public static class WebhookJson
{
    public static string? StringAt(this JsonNode? node, string name)
    {
        if (node is not JsonObject o || o[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return null;
        try { return v.GetValue<string>(); }
        catch (InvalidOperationException) { return null; }
    }

    public static JsonObject? ObjectAt(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonObject;

    public static JsonArray? ArrayAt(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonArray;

    public static bool? BoolAt(this JsonNode? node, string name) => (node as JsonObject)?[name]?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static int? IntAt(this JsonNode? node, string name) =>
        (node as JsonObject)?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) ? n : null;
}
