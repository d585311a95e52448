using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;
using Bot.Http;
using Bot.Targets.Config;
using Bot.Text;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// The Set… button of <c>config web</c>: instead of running <c>config set web</c> in the channel, a modal only the person sees
/// takes the <c>KEY=value</c> lines. Its <c>private_metadata</c> holds where it was opened (app, environment, channel, user),
/// never a value; a submission is checked at once (errors go back to the modal, naming lines, not values) and applied after the ack.
/// </summary>
public sealed class SlackConfigModal(SlackApi api, SlackReplies replies, CommandHandler handler, BackgroundWork background, ILogger<SlackConfigModal> logger)
{
    public const string CallbackId = "config-set";
    public const string SetBlock = "set", SetInput = "lines", UnsetBlock = "unset", UnsetInput = "names";

    /// <summary>Slack cuts a modal's title at 24 characters.</summary>
    private const int MaxTitle = 24;

    /// <summary>
    /// <c>config set web</c> or <c>config set web in staging</c> with no pairs: what the Set… button sends. The app and
    /// environment it names, else null (a command with pairs runs as typed).
    /// </summary>
    public static (string App, string? Env)? SetButton(string command)
    {
        var w = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (w.Length < 3 || !w[0].Equals("config", StringComparison.OrdinalIgnoreCase) || !w[1].Equals("set", StringComparison.OrdinalIgnoreCase) || w[2].Contains('='))
            return null;
        return w.Length switch
        {
            3 => (w[2], null),
            5 when w[3].Equals("in", StringComparison.OrdinalIgnoreCase) && !w[4].Contains('=') => (w[2], w[4]),
            _ => null,
        };
    }

    /// <summary>Opens the modal right after the ack: the trigger is good for 3 seconds, so nothing else comes first.</summary>
    public void Open(string triggerId, string app, string? env, Origin origin) =>
        background.Run($"Opening the config form of {app} for {origin.UserId}", async () =>
        {
            try
            {
                // Someone who may not change it gets told so at once, not after typing values into a form.
                if (handler.ConfigFormRefusal(origin, app, env) is { } refused)
                {
                    await replies.TellPrivatelyAsync(refused, origin, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                await api.OpenViewAsync(triggerId, View(app, env, origin), CancellationToken.None).ConfigureAwait(false);
            }
            catch (SlackApiException e)
            {
                logger.LogWarning("Could not open the config form of {App} ({Error})", app, e.Error);
                await replies.TellPrivatelyAsync(CommandResult.Refuse(
                    $"I could not open the form ({e.Error}). Send `config set {app} KEY=value{(env is null ? "" : $" in {env}")}` to me in a direct message instead."),
                    origin, CancellationToken.None).ConfigureAwait(false);
            }
        });

    internal static JsonObject View(string app, string? env, Origin origin)
    {
        var metadata = new JsonObject { ["app"] = app, ["env"] = env, ["channel"] = origin.Conversation, ["thread"] = origin.Thread, ["user"] = origin.UserId };
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["title"] = Plain(Tokens.Clip($"Set config: {app}", MaxTitle)),
            ["submit"] = Plain("Set"),
            ["close"] = Plain("Cancel"),
            ["private_metadata"] = metadata.ToJsonString(),
            ["blocks"] = new JsonArray
            {
                (JsonNode)new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = new JsonObject
                    {
                        ["type"] = "mrkdwn",
                        ["text"] = $"*{SlackBlocks.Escape(app)}*{(env is null ? "" : $" in *{SlackBlocks.Escape(env)}*")}: the values go to the app and nowhere else. " +
                                   "Nobody sees them in Slack, and I only ever show their fingerprints.",
                    },
                },
                (JsonNode)Input(SetBlock, "KEY=value, one per line", SetInput, multiline: true, "DATABASE_URL=postgres://…"),
                (JsonNode)Input(UnsetBlock, "Keys to unset", UnsetInput, multiline: false, "OLD_FLAG OTHER_KEY"),
            },
        };
    }

    /// <summary>
    /// A submission of the modal: errors for the modal when a line is not <c>KEY=value</c> (or nothing was given), else null
    /// (an empty ack closes it) with the change applied after the ack and the outcome told to the person alone.
    /// </summary>
    public async Task<JsonObject?> SubmitAsync(JsonObject view, string userId, string? userName, Func<CancellationToken, Task<bool>> firstTime, CancellationToken cancellationToken)
    {
        var metadata = view.StringAt("private_metadata") is { Length: > 0 } text ? Webhook.ParseObject(text) : null;
        if (metadata.StringAt("app") is not { Length: > 0 } app) return null;
        var values = view.ObjectAt("state").ObjectAt("values");
        var lines = values.ObjectAt(SetBlock).ObjectAt(SetInput).StringAt("value") ?? "";
        var names = values.ObjectAt(UnsetBlock).ObjectAt(UnsetInput).StringAt("value") ?? "";

        var (entries, problems) = DotEnv.Parse(lines);
        var unset = names.Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var errors = new JsonObject();
        if (problems.Count > 0) errors[SetBlock] = Tokens.Clip(string.Join("; ", problems.Take(3)), 150);
        // A value typed here by mistake is not repeated back: the name check would quote it.
        if (unset.Any(u => u.Contains('=', StringComparison.Ordinal))) errors[UnsetBlock] = "Names only here; KEY=value lines go in the box above.";
        else if (unset.Select(ConfigKeys.CheckName).FirstOrDefault(p => p is not null) is { } badName) errors[UnsetBlock] = Tokens.Clip(badName, 150);
        if (errors.Count == 0 && entries.Count == 0 && unset.Count == 0) errors[SetBlock] = "Type at least one KEY=value line, or a key to unset.";
        if (errors.Count > 0) return new JsonObject { ["response_action"] = "errors", ["errors"] = errors };
        if (!await firstTime(cancellationToken).ConfigureAwait(false)) return null;

        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries) set[e.Name] = e.Value;
        var change = new ConfigChange(set, unset.Where(u => !set.ContainsKey(u)).ToList());
        var notes = entries.Where(e => e.Note is not null).Select(e => e.Note!).ToList();
        var conversation = metadata.StringAt("channel") is { Length: > 0 } channel ? channel : userId;
        var env = metadata.StringAt("env") is { Length: > 0 } named ? named : null;
        var name = await replies.NameOfAsync(userId, userName, cancellationToken).ConfigureAwait(false);
        var origin = new Origin("slack", conversation, metadata.StringAt("thread"), userId, name);
        background.Run($"Changing the config of {app} for {userId}", async () =>
        {
            var result = await handler.ChangeConfigAsync(origin, app, env, change, notes, "from a Slack form", CancellationToken.None).ConfigureAwait(false);
            await replies.TellPrivatelyAsync(result, origin, CancellationToken.None).ConfigureAwait(false);
        });
        return null;
    }

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Input(string blockId, string label, string actionId, bool multiline, string placeholder) => new()
    {
        ["type"] = "input",
        ["block_id"] = blockId,
        ["optional"] = true,
        ["label"] = Plain(label),
        ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = actionId, ["multiline"] = multiline, ["placeholder"] = Plain(placeholder) },
    };
}
