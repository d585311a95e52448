using System.Text;
using Bot.Commands;
using System.Text.Json.Nodes;

namespace Bot.Chat.Line;

/// <summary>
/// LINE message objects built from the bot's messages and cards, within LINE's limits: at most 5 messages per
/// reply or push, 5,000 characters per text, 1,500 per Flex alt text, 13 quick replies with 20-character labels,
/// 300 bytes of postback data. Every next step is a tap: a Flex button or a quick reply.
/// </summary>
public static partial class LineMessages
{
    public const int MaxMessages = 5, MaxText = 5000, MaxAltText = 1500, MaxQuickReplies = 13, MaxQuickLabel = 20, MaxData = 300;

    /// <summary>A text message object.</summary>
    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = Clip(text, MaxText) };

    /// <summary>A chat answer as LINE text messages; the last one carries the quick replies.</summary>
    public static List<JsonObject> From(IReadOnlyList<ChatMessage> messages, string? app = null)
    {
        var texts = messages.Select(Render).ToList();
        if (texts.Count > MaxMessages)
            texts = [.. texts.Take(MaxMessages - 1), string.Join("\n\n", texts.Skip(MaxMessages - 1))];
        var result = texts.Select(Text).ToList();
        if (result.Count > 0)
            result[^1]["quickReply"] = QuickReply(messages.SelectMany(m => m.ActionList), app);
        return result;
    }

    /// <summary>A message's text, then its lines (the newest that fit), then how to see more.</summary>
    public static string Render(ChatMessage message)
    {
        if (message.Lines is not { Count: > 0 } lines) return message.Text;
        var head = message.Text + "\n";
        var hint = message.LinesTitle?.StartsWith("logs", StringComparison.Ordinal) == true
            ? $"\n(Showing {{0}} of {lines.Count} lines. For more: `{Verb(message)} 200 grep error`.)"
            : "\n(Showing {0} of " + lines.Count + " lines.)";
        var room = MaxText - head.Length - hint.Length - 10;
        var kept = new List<string>();
        var used = 0;
        foreach (var line in lines.Reverse())
        {
            if (used + line.Length + 1 > room) break;
            kept.Add(line);
            used += line.Length + 1;
        }
        kept.Reverse();
        var body = head + string.Join('\n', kept);
        return kept.Count == lines.Count ? body : body + string.Format(System.Globalization.CultureInfo.InvariantCulture, hint, kept.Count);
    }

    /// <summary>Quick replies: the message's own next steps first, then the everyday commands.</summary>
    public static JsonObject QuickReply(IEnumerable<ChatAction> actions, string? app)
    {
        var common = app is null
            ? new ChatAction[] { new("status", "status"), new("apps", "apps"), new("help", "help") }
            : [new($"status {app}", $"status {app}"), new($"logs {app}", $"logs {app}"), new($"history {app}", $"history {app}"), new("help", "help")];
        var items = new JsonArray();
        foreach (var action in actions.Concat(common).DistinctBy(a => a.Command).Take(MaxQuickReplies))
            items.Add((JsonNode)new JsonObject { ["type"] = "action", ["action"] = Postback(action, MaxQuickLabel) });
        return new JsonObject { ["items"] = items };
    }

    /// <summary>A postback action that runs a command (or first asks, when the action has a confirm question).</summary>
    public static JsonObject Postback(ChatAction action, int maxLabel)
    {
        if (action.Url is { } url) return new JsonObject { ["type"] = "uri", ["label"] = Clip(action.Label, maxLabel), ["uri"] = url };
        var data = action.Confirm is { } question
            ? $"{LineInbound.ConfirmPrefix}{action.Command}|{question}"
            : $"{LineInbound.CommandPrefix}{action.Command}";
        return new JsonObject
        {
            ["type"] = "postback",
            ["label"] = Clip(action.Label, maxLabel),
            ["data"] = ClipBytes(data, MaxData),
            ["displayText"] = Clip(action.Label, 300),
        };
    }

    /// <summary>"Are you sure?" with Yes (runs the command) and No.</summary>
    public static JsonObject Confirm(string question, string command) => new()
    {
        ["type"] = "template",
        ["altText"] = Clip(question, MaxAltText),
        ["template"] = new JsonObject
        {
            ["type"] = "confirm",
            ["text"] = Clip(question, 240),
            ["actions"] = new JsonArray
            {
                (JsonNode)Postback(new ChatAction("Yes", command), MaxQuickLabel),
                (JsonNode)new JsonObject { ["type"] = "postback", ["label"] = "No", ["data"] = LineInbound.NothingData, ["displayText"] = "No" },
            },
        },
    };

    private static string Verb(ChatMessage message) => message.LinesTitle is { } t && t.StartsWith("logs-", StringComparison.Ordinal) ? $"logs {t[5..]}" : "logs <app>";

    internal static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>Postback data is limited in bytes; cut at a character boundary.</summary>
    private static string ClipBytes(string s, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(s) <= maxBytes) return s;
        var sb = new StringBuilder();
        foreach (var rune in s.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(sb.ToString()) + rune.Utf8SequenceLength > maxBytes) break;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
