using System.Text;
using Bot.Commands;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Text;

namespace Bot.Chat.Slack;

/// <summary>
/// Block Kit layouts that read well on a phone: short sections, code blocks of at most
/// <see cref="MaxCodeLines"/> lines, and the next actions as buttons (with a confirm dialog where it matters).
/// </summary>
public static class SlackBlocks
{
    public const int MaxCodeLines = 15;
    private const int MaxSectionChars = 2900;
    private const int MaxLineChars = 200;

    public static JsonArray Message(ChatMessage message)
    {
        var blocks = new JsonArray { Section(Escape(Hints.WithSlash(message.Text))) };
        if (message.Lines is { Count: > 0 } lines)
        {
            blocks.Add(Section(Code(lines.TakeLast(MaxCodeLines))));
            if (lines.Count > MaxCodeLines)
                blocks.Add(Context($"Showing the last {MaxCodeLines} of {lines.Count} lines."));
        }
        if (Actions(message.ActionList) is { } actions) blocks.Add(actions);
        return blocks;
    }

    public static JsonArray Card(DeploymentCard card)
    {
        var d = card.Deployment;
        var text = new StringBuilder($"*{Escape(card.Title)}*\n{Escape(card.Summary)}");
        if (d.State == DeploymentState.Succeeded && d.Url is { } url)
            text.Append($"\n<{url}|Open {Escape(d.App)}>");
        if (card.LogUrl is { } log)
            text.Append($"\n<{log}|Full log>");
        if (card.Outcome is { } outcome)
            text.Append('\n').Append(Escape(Hints.WithSlash(outcome)));
        if (card.LiveNote is { } note)
            text.Append('\n').Append(Escape(Hints.WithSlash(note)));
        var blocks = new JsonArray { Section(text.ToString()) };
        if (card.RecentLines.Count > 0 && d.State is not DeploymentState.Succeeded)
            blocks.Add(Section(Code(card.RecentLines)));
        if (Actions(card.Actions) is { } actions) blocks.Add(actions);
        return blocks;
    }

    public static JsonArray Alert(AlertCard card)
    {
        var text = new StringBuilder($"*{Escape(card.Title)}*\n{Escape(Hints.WithSlash(card.Summary))}");
        if (card.Detail is { } detail) text.Append('\n').Append(Escape(detail));
        if (card.Alert.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out _)) text.Append($"\n<{link}|Open in {Escape(card.Alert.Source)}>");
        if (card.PageUrl is { } page) text.Append($"\n<{page}|Alert page>");
        var blocks = new JsonArray { Section(text.ToString()) };
        if (Actions(card.Actions) is { } actions) blocks.Add(actions);
        return blocks;
    }

    /// <summary>A batch of build output for the card's thread.</summary>
    public static JsonArray Output(IReadOnlyList<string> lines, int skipped)
    {
        var blocks = new JsonArray();
        if (skipped > 0) blocks.Add(Context($"… {skipped} earlier lines not shown here."));
        blocks.Add(Section(Code(lines)));
        return blocks;
    }

    /// <summary>Slack mrkdwn needs only these three escaped.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static JsonNode Section(string mrkdwn) => new JsonObject
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(mrkdwn, MaxSectionChars) },
    };

    private static JsonNode Context(string text) => new JsonObject
    {
        ["type"] = "context",
        ["elements"] = new JsonArray { (JsonNode)new JsonObject { ["type"] = "mrkdwn", ["text"] = Escape(text) } },
    };

    private static string Code(IEnumerable<string> lines)
    {
        var body = string.Join('\n', lines.Select(l => Clip(l.Replace("```", "'''"), MaxLineChars)));
        var text = Escape(body);
        // Keep the newest lines when the block is too long.
        if (text.Length > MaxSectionChars - 8) text = "…" + text[^(MaxSectionChars - 9)..];
        return $"```{text}```";
    }

    private static JsonNode? Actions(IReadOnlyList<ChatAction> actions)
    {
        if (actions.Count == 0) return null;
        var elements = new JsonArray();
        foreach (var (action, i) in actions.Take(5).Select((a, i) => (a, i)))
        {
            var button = new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = $"cmd-{i}",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(action.Label, 75), ["emoji"] = true },
            };
            // A link button opens its page; with no value, its tap that Slack reports runs nothing.
            if (action.Url is { } url) button["url"] = url;
            else button["value"] = Clip(action.Command, 2000);
            if (i == 0) button["style"] = "primary";
            if (action.Confirm is { } question)
            {
                button["style"] = "danger";
                button["confirm"] = new JsonObject
                {
                    ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(action.Label, 100) + "?" },
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(question, 300) },
                    ["confirm"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(action.Label, 30) },
                    ["deny"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Not now" },
                };
            }
            elements.Add((JsonNode)button);
        }
        return new JsonObject { ["type"] = "actions", ["block_id"] = "next", ["elements"] = elements };
    }

    private static string Clip(string s, int max) => Tokens.Clip(s, max);
}
