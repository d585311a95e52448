using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Chat.Slack;

/// <summary>
/// Turns verified Slack deliveries into commands. Each delivery is recorded first (a retry or a
/// second replica's copy runs nothing); a slash command is answered within Slack's 3 seconds — with
/// the result when it is quick, else with "working on it" and the result later through
/// <c>response_url</c>; mentions, DMs and button taps are acknowledged at once and answered in the conversation.
/// Config values never pass through here as text: Set… opens <see cref="SlackConfigModal"/>, a shared <c>.env</c> file goes to <see cref="SlackEnvFiles"/>.
/// </summary>
public sealed class SlackInbound(
    CommandHandler handler,
    IDeploymentStore store,
    SlackReplies replies,
    SlackIdentity identity,
    BackgroundWork background,
    AppCatalog apps,
    SlackConfigModal configModal,
    SlackEnvFiles envFiles,
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
        var umbrella = Umbrellas.Contains(command.ToLowerInvariant());
        if (!umbrella && MeantUmbrella(command, text) is { } meant) return SlackReplies.Ephemeral(meant);
        var line = umbrella ? text : $"{command.TrimStart('/')} {text}";
        var channel = fields.GetValueOrDefault("channel_id") ?? "";
        var user = fields.GetValueOrDefault("user_id") ?? "";
        var trigger = fields.GetValueOrDefault("trigger_id");
        var key = trigger is { Length: > 0 } ? trigger : $"{channel}:{user}:{command}:{text}";

        var origin = new Origin("slack", channel, null, user, await replies.NameOfAsync(user, fields.GetValueOrDefault("user_name"), cancellationToken).ConfigureAwait(false));
        // Recorded once (a retry or a second replica's copy runs nothing and is answered with nothing).
        var work = handler.HandleDeliveryAsync(new ChatRequest(origin, line), "slack", "cmd:" + key, unique: key == trigger, CancellationToken.None);
        var responseUrl = fields.GetValueOrDefault("response_url");
        try
        {
            return await work.WaitAsync(AnswerBudget, time, cancellationToken).ConfigureAwait(false) is { } result ? replies.Answer(result, origin, responseUrl) : null;
        }
        catch (TimeoutException)
        {
            // Too slow for the HTTP answer: say so now, send the result when it is ready.
            background.Run("Sending a late answer", async () =>
            {
                if (await work.ConfigureAwait(false) is { } result) await replies.SendAsync(result, origin, responseUrl, CancellationToken.None).ConfigureAwait(false);
            });
            return SlackReplies.Ephemeral(new ChatMessage($"Working on `{Escape(line.Trim())}`…"));
        }
    }

    /// <summary>
    /// <c>/deploy status</c>: the slash command is a verb and its text starts with another verb that is not an app, so the
    /// person meant the umbrella command (<c>/ops status</c>).
    /// </summary>
    private ChatMessage? MeantUmbrella(string command, string text)
    {
        if (Verbs.Find(command.TrimStart('/')) is not { Name: not "help" }) return null;
        var words = TextNormalizer.Normalize(text).Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || Verbs.Find(words[0]) is not { } verb || apps.Find(words[0]) is not null) return null;
        var meant = Hints.Slash(words.Length > 1 ? $"{verb.Name} {words[1]}" : verb.Name);
        return new ChatMessage($"`{command} {text.Trim()}` would {command.TrimStart('/')} an app named `{words[0]}`, and there is none. Did you mean `{meant}`?",
            Tone.Error);
    }

    public async Task<JsonObject?> InteractionAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var type = payload.StringAt("type");
        var user = payload.ObjectAt("user").StringAt("id") ?? "";
        var userName = payload.ObjectAt("user").StringAt("name") ?? payload.ObjectAt("user").StringAt("username");
        var trigger = payload.StringAt("trigger_id") ?? "";
        if (type == "block_actions" && payload.ArrayAt("actions") is { Count: > 0 } actions)
        {
            var action = actions[0];
            var command = action.StringAt("value");
            var key = $"act:{trigger}:{action.StringAt("action_ts")}";
            var channel = payload.ObjectAt("channel").StringAt("id") ?? payload.ObjectAt("container").StringAt("channel_id") ?? "";
            var responseUrl = payload.StringAt("response_url");
            // A tap with neither a channel nor a response_url (an App Home button) leaves nowhere to answer.
            if (string.IsNullOrWhiteSpace(command) || channel.Length == 0 && responseUrl is null
                || !await store.TryRecordDeliveryAsync("slack", key, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                return null;
            var thread = payload.ObjectAt("container").StringAt("thread_ts");
            var origin = new Origin("slack", channel, thread, user, await replies.NameOfAsync(user, userName, cancellationToken).ConfigureAwait(false));
            // Set… opens a form only the person sees, rather than asking for values in the conversation.
            if (SlackConfigModal.SetButton(command) is { } set && trigger.Length > 0) configModal.Open(trigger, set.App, set.Env, origin);
            else RunInBackground(origin, command, responseUrl, shareFiles: false);
            return null;
        }
        if (type == "view_submission" && payload.ObjectAt("view") is { } view && view.StringAt("callback_id") == SlackConfigModal.CallbackId)
            return await configModal.SubmitAsync(view, user, userName,
                ct => store.TryRecordDeliveryAsync("slack", $"view:{(trigger.Length > 0 ? trigger : view.StringAt("id") + ":" + view.StringAt("hash"))}", time.GetUtcNow(), ct),
                cancellationToken).ConfigureAwait(false);
        // A modal answers where it was opened from (its private_metadata), else in a DM with the person.
        var answerIn = payload.ObjectAt("view").StringAt("private_metadata") is { Length: > 0 } metadata ? metadata : user;
        if (type == "view_submission" && answerIn.Length > 0 && FindCommandInput(payload.ObjectAt("view").ObjectAt("state").ObjectAt("values")) is { } typed
            && await store.TryRecordDeliveryAsync("slack", $"view:{trigger}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            var origin = new Origin("slack", answerIn, null, user, await replies.NameOfAsync(user, userName, cancellationToken).ConfigureAwait(false));
            RunInBackground(origin, typed, null);
            return new JsonObject { ["response_action"] = "clear" };
        }
        return null;
    }

    public async Task EventAsync(JsonObject envelope, CancellationToken cancellationToken)
    {
        if (envelope.StringAt("type") != "event_callback" || envelope.ObjectAt("event") is not { } e) return;
        var type = e.StringAt("type");
        var isDirect = type == "message" && e.StringAt("channel_type") == "im";
        // A .env file shared anywhere the bot sees it: read in a DM, and a warning elsewhere.
        var envFile = e["bot_id"] is null && (type == "app_mention" || type == "message" && e.StringAt("subtype") == "file_share") ? SlackEnvFiles.Find(e) : null;
        if (envFile is null && type != "app_mention" && !isDirect) return;
        // Never answer bots (ourselves included), edits, joins and other message subtypes.
        if (e["bot_id"] is not null || e["subtype"] is not null && envFile is null) return;
        var user = e.StringAt("user") ?? "";
        var channel = e.StringAt("channel") ?? "";
        if (user.Length == 0 || user == identity.UserId || channel.Length == 0) return;
        // A file message in a channel can come twice (as a message and as a mention): its channel and ts name it once.
        var id = envFile is not null ? $"file:{channel}:{e.StringAt("ts")}" : "evt:" + (envelope.StringAt("event_id") ?? $"{channel}:{e.StringAt("ts")}");
        if (!await store.TryRecordDeliveryAsync("slack", id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            return;
        // In a channel, answer in a thread under the mention; in a DM, just reply.
        var thread = isDirect ? e.StringAt("thread_ts") : e.StringAt("thread_ts") ?? e.StringAt("ts");
        var origin = new Origin("slack", channel, thread, user, await replies.NameOfAsync(user, null, cancellationToken).ConfigureAwait(false));
        if (envFile is { } file)
        {
            var caption = e.StringAt("text") is { Length: > 0 } said ? said : null;
            background.Run($"Reading the file {file.Id} from {user}", () => envFiles.ReceiveAsync(origin, file, caption, CancellationToken.None));
            return;
        }
        RunInBackground(origin, e.StringAt("text") ?? "", null);
    }

    private void RunInBackground(Origin origin, string text, string? responseUrl, bool shareFiles = true) =>
        background.Run($"Answering {origin.UserId} in {origin.Conversation}", async () =>
        {
            var result = await handler.HandleAsync(new ChatRequest(origin, text), CancellationToken.None).ConfigureAwait(false);
            await replies.SendAsync(result, origin, responseUrl, CancellationToken.None, shareFiles).ConfigureAwait(false);
        });

    /// <summary>A modal's text input with action id <c>command</c>, wherever its block sits.</summary>
    private static string? FindCommandInput(JsonObject? blocks) =>
        blocks?.Select(b => b.Value.ObjectAt("command").StringAt("value")).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string Escape(string s) => SlackBlocks.Escape(s.Replace("`", "'"));
}
