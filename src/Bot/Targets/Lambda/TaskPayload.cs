using System.Globalization;
using System.Text.Json;
using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Targets.Lambda;

/// <summary>
/// The event a Lambda task sends. <c>Tasks:&lt;name&gt;:Payload</c> is either a JSON text (<c>"{\"job\": \"reindex\"}"</c>)
/// or an object in the configuration itself, written out as JSON by hand (no reflection). The configuration keeps every
/// value as text, so in that form <c>true</c>/<c>false</c> and JSON numbers are sent as such, everything else as a string,
/// and a section whose keys are 0, 1, 2… as an array; write the payload as JSON text to send <c>"42"</c> as a string.
/// Without a <c>Payload</c>, a task with a <c>Command</c> sends <c>{"command": "…"}</c> for the function to dispatch on,
/// and a task with neither sends <c>{}</c>.
/// </summary>
public static class TaskPayload
{
    public static byte[] Of(AppTask task)
    {
        var section = task.Section?.GetSection("Payload");
        if (section is { Value: { } text })
        {
            if (!IsJson(text))
                throw new ConfigException($"{task.KeyPath}:Payload", "is not JSON; give the event as JSON text (\"{\\\"job\\\": \\\"reindex\\\"}\") or as an object");
            return System.Text.Encoding.UTF8.GetBytes(text.Trim());
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (section is not null && section.GetChildren().Any()) Write(json, section);
            else
            {
                json.WriteStartObject();
                if (task.Command is { } command) json.WriteString("command", command);
                json.WriteEndObject();
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter json, IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            WriteValue(json, section.Value);
            return;
        }
        var indexes = children.Select(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        if (indexes.Order().SequenceEqual(Enumerable.Range(0, children.Count)))
        {
            json.WriteStartArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))) Write(json, child);
            json.WriteEndArray();
            return;
        }
        json.WriteStartObject();
        foreach (var child in children)
        {
            json.WritePropertyName(child.Key);
            Write(json, child);
        }
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string? value)
    {
        if (value is null) json.WriteNullValue();
        else if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) json.WriteBooleanValue(true);
        else if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) json.WriteBooleanValue(false);
        else if (IsJsonNumber(value)) json.WriteRawValue(value);
        else json.WriteStringValue(value);
    }

    /// <summary>A JSON number as its grammar has it (no leading zeros, no <c>+</c>, no <c>NaN</c>): <c>007</c> stays a string.</summary>
    private static bool IsJsonNumber(string value)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(value));
        try { return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == value.Length && !reader.Read(); }
        catch (JsonException) { return false; }
    }

    private static bool IsJson(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
        try
        {
            while (reader.Read()) { }
            return reader.BytesConsumed > 0;
        }
        catch (JsonException) { return false; }
    }
}
