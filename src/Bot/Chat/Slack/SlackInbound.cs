using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;

namespace Bot.Chat.Slack;

/// <summary>
/// Turns verified Slack deliveries into commands. Each delivery is recorded first (a retry or a
/// second replica's copy runs nothing); a slash command is answered within Slack's 3 seconds — with
/// the result when it is quick, else with "working on it" and the result later through
/// <c>response_url</c>; mentions, DMs and button taps are acknowledged at once and answered in the conversation.
/// </summary>
public sealed class SlackInbound(
    CommandHandler handler,
    IDeploymentStore store,
    SlackReplies replies,
    SlackIdentity identity,
    BackgroundWork background,
    TimeProvider time) : ISlackInbound
{
    /// <summary>How long a slash command may take before the HTTP answer goes out without it.</summary>
    public static readonly TimeSpan AnswerBudget = TimeSpan.FromSeconds(2.5);

    /// <summary>Slash commands that take a whole command line as their text (<c>/ops deploy web</c>); any other is the verb.</summary>
    private static readonly HashSet<string> Umbrellas = ["/ops", "/deploybot", "/bot"];

    public async Task<JsonObject?> SlashCommandAsync(IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var command = fields.GetValueOrDefault("command") ?? "";
        var text = fields.GetValueOrDefault("text") ?? "";
        var line = Umbrellas.Contains(command.ToLowerInvariant()) ? text : $"{command.TrimStart('/')} {text}";
        var channel = fields.GetValueOrDefault("channel_id") ?? "";
        var user = fields.GetValueOrDefault("user_id") ?? "";
        var key = fields.GetValueOrDefault("trigger_id") is { Length: > 0 } trigger ? trigger : $"{channel}:{user}:{command}:{text}";
        if (!await store.TryRecordDeliveryAsync("slack", "cmd:" + key, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            return null;

        var origin = new Origin("slack", channel, null, user, await replies.NameOfAsync(user, fields.GetValueOrDefault("user_name"), cancellationToken).ConfigureAwait(false));
        var work = handler.HandleAsync(new ChatRequest(origin, line), CancellationToken.None);
        var responseUrl = fields.GetValueOrDefault("response_url");
        try
        {
            return replies.Answer(await work.WaitAsync(AnswerBudget, time, cancellationToken).ConfigureAwait(false), origin, responseUrl);
        }
        catch (TimeoutException)
        {
            // Too slow for the HTTP answer: say so now, send the result when it is ready.
            background.Run("Sending a late answer", async () =>
                await replies.SendAsync(await work.ConfigureAwait(false), origin, responseUrl, CancellationToken.None).ConfigureAwait(false));
            return SlackReplies.Ephemeral(new ChatMessage($"Working on `{Escape(line.Trim())}`…"));
        }
    }

    public async Task<JsonObject?> InteractionAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var type = (string?)payload["type"];
        var user = (string?)payload["user"]?["id"] ?? "";
        var userName = (string?)payload["user"]?["name"] ?? (string?)payload["user"]?["username"];
        var trigger = (string?)payload["trigger_id"] ?? "";
        if (type == "block_actions" && payload["actions"] is JsonArray { Count: > 0 } actions)
        {
            var action = actions[0]!;
            var command = (string?)action["value"];
            var key = $"act:{trigger}:{(string?)action["action_ts"]}";
            if (string.IsNullOrWhiteSpace(command) || !await store.TryRecordDeliveryAsync("slack", key, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                return null;
            var channel = (string?)payload["channel"]?["id"] ?? (string?)payload["container"]?["channel_id"] ?? "";
            var thread = (string?)payload["container"]?["thread_ts"];
            var origin = new Origin("slack", channel, thread, user, await replies.NameOfAsync(user, userName, cancellationToken).ConfigureAwait(false));
            RunInBackground(origin, command, (string?)payload["response_url"]);
            return null;
        }
        if (type == "view_submission" && FindCommandInput(payload["view"]?["state"]?["values"]) is { } typed
            && await store.TryRecordDeliveryAsync("slack", $"view:{trigger}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            var channel = (string?)payload["view"]?["private_metadata"] ?? user;
            var origin = new Origin("slack", channel, null, user, await replies.NameOfAsync(user, userName, cancellationToken).ConfigureAwait(false));
            RunInBackground(origin, typed, null);
            return new JsonObject { ["response_action"] = "clear" };
        }
        return null;
    }

    public async Task EventAsync(JsonObject envelope, CancellationToken cancellationToken)
    {
        if ((string?)envelope["type"] != "event_callback" || envelope["event"] is not JsonObject e) return;
        var type = (string?)e["type"];
        var isDirect = type == "message" && (string?)e["channel_type"] == "im";
        if (type != "app_mention" && !isDirect) return;
        // Never answer bots (ourselves included), edits, joins and other message subtypes.
        if (e["bot_id"] is not null || e["subtype"] is not null) return;
        var user = (string?)e["user"] ?? "";
        if (user.Length == 0 || user == identity.UserId) return;
        var id = (string?)envelope["event_id"] ?? $"{(string?)e["channel"]}:{(string?)e["ts"]}";
        if (!await store.TryRecordDeliveryAsync("slack", "evt:" + id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            return;
        var channel = (string?)e["channel"] ?? "";
        // In a channel, answer in a thread under the mention; in a DM, just reply.
        var thread = isDirect ? (string?)e["thread_ts"] : (string?)e["thread_ts"] ?? (string?)e["ts"];
        var origin = new Origin("slack", channel, thread, user, await replies.NameOfAsync(user, null, cancellationToken).ConfigureAwait(false));
        RunInBackground(origin, (string?)e["text"] ?? "", null);
    }

    private void RunInBackground(Origin origin, string text, string? responseUrl) =>
        background.Run($"Answering {origin.UserId} in {origin.Conversation}", async () =>
        {
            var result = await handler.HandleAsync(new ChatRequest(origin, text), CancellationToken.None).ConfigureAwait(false);
            await replies.SendAsync(result, origin, responseUrl, CancellationToken.None).ConfigureAwait(false);
        });

    /// <summary>A modal's text input with action id <c>command</c>, wherever its block sits.</summary>
    private static string? FindCommandInput(JsonNode? values) =>
        values is JsonObject blocks
            ? blocks.Select(b => b.Value?["command"]?["value"]).Select(v => (string?)v).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            : null;

    private static string Escape(string s) => SlackBlocks.Escape(s.Replace("`", "'"));
}

/// <summary>Who the bot is in Slack (from <c>auth.test</c> at start), so it never answers itself.</summary>
public sealed class SlackIdentity
{
    public string? UserId { get; set; }
    public string? Team { get; set; }
}
