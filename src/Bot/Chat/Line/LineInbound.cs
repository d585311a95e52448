using System.Text;
using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Commands;
using Bot.Deployments;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Chat.Line;

/// <summary>
/// LINE webhook events, already verified. Each event is recorded by its <c>webhookEventId</c> first, so a
/// redelivery runs nothing; then, after the HTTP answer: text messages (1:1 always; in groups and rooms only
/// when they mention the bot or start with <c>/</c> or a known verb), <c>.env</c> files, button taps (postbacks),
/// and greetings on follow and join. Answers use the event's reply token, which costs nothing against the push quota.
/// </summary>
public sealed class LineInbound(
    CommandHandler handler,
    IDeploymentStore store,
    LineReplies replies,
    LineApi api,
    BackgroundWork background,
    TimeProvider time,
    ILogger<LineInbound> logger)
{
    public const string CommandPrefix = "cmd:", ConfirmPrefix = "confirm:", NothingData = "nothing";

    public async Task AcceptAsync(JsonArray events, CancellationToken cancellationToken)
    {
        foreach (var e in events.OfType<JsonObject>())
        {
            var id = e.StringAt("webhookEventId");
            if (string.IsNullOrEmpty(id)) continue;
            if (!await store.TryRecordDeliveryAsync("line", id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("LINE event {Id} was already handled (redelivery: {Redelivery})", id, e.ObjectAt("deliveryContext").BoolAt("isRedelivery") ?? false);
                continue;
            }
            background.Run($"Handling LINE event {id}", () => HandleAsync(e));
        }
    }

    private async Task HandleAsync(JsonObject e)
    {
        if (LineSource.From(e.ObjectAt("source")) is not { } source) return;
        var replyToken = e.StringAt("replyToken");
        switch (e.StringAt("type"))
        {
            case "message" when e.ObjectAt("message") is { } message && message.StringAt("type") == "text":
                var text = message.StringAt("text") ?? "";
                if (source.IsGroup)
                {
                    var mentioned = WithoutSelfMention(message, text);
                    if (mentioned is null && !LooksLikeCommand(text)) return;
                    text = mentioned ?? text;
                }
                await RunAsync(source, text, replyToken).ConfigureAwait(false);
                break;
            case "message" when e.ObjectAt("message") is { } message && message.StringAt("type") == "file":
                await FileAsync(source, message, replyToken).ConfigureAwait(false);
                break;
            case "postback" when PostbackData(e) is { } data:
                if (data == NothingData)
                    await replies.AnswerAsync(source, CommandResult.Reply("OK, I did nothing."), replyToken).ConfigureAwait(false);
                else if (data.StartsWith(ConfirmPrefix, StringComparison.Ordinal))
                    await replies.ConfirmAsync(source, data[ConfirmPrefix.Length..], replyToken).ConfigureAwait(false);
                else
                    await RunAsync(source, data.StartsWith(CommandPrefix, StringComparison.Ordinal) ? data[CommandPrefix.Length..] : data, replyToken).ConfigureAwait(false);
                break;
            case "follow":
                await replies.GreetAsync(source, replyToken).ConfigureAwait(false);
                break;
            case "join":
                await replies.GreetGroupAsync(source, replyToken).ConfigureAwait(false);
                break;
        }
    }

    private static string? PostbackData(JsonObject e) => e.ObjectAt("postback").StringAt("data");

    private async Task RunAsync(LineSource source, string text, string? replyToken)
    {
        var origin = new Origin("line", source.ChatId, null, source.UserId ?? source.ChatId, await replies.NameOfAsync(source).ConfigureAwait(false));
        var result = await handler.HandleAsync(new ChatRequest(origin, text), CancellationToken.None).ConfigureAwait(false);
        await replies.AnswerAsync(source, result, replyToken, CommandParser.Parse(text).App).ConfigureAwait(false);
    }

    /// <summary>
    /// A file sent to the bot. A <c>.env</c> file in a 1:1 chat is downloaded (at most <see cref="EnvFiles.MaxBytes"/>) and read;
    /// in a group or room it is refused unread, and any other file is left alone there.
    /// </summary>
    private async Task FileAsync(LineSource source, JsonObject message, string? replyToken)
    {
        var name = message.StringAt("fileName") ?? "";
        if (!EnvFiles.Looks(name))
        {
            if (!source.IsGroup)
                await replies.AnswerAsync(source, CommandResult.Refuse("The only files I read are .env files (named `.env`, `.env.production` or `prod.env`)."), replyToken).ConfigureAwait(false);
            return;
        }
        var origin = new Origin("line", source.ChatId, null, source.UserId ?? source.ChatId, await replies.NameOfAsync(source).ConfigureAwait(false));
        CommandResult result;
        if (source.IsGroup)
            result = await handler.ReceiveEnvFileAsync(origin, name, "", null, CancellationToken.None).ConfigureAwait(false);
        else if (message.IntAt("fileSize") > EnvFiles.MaxBytes)
            result = CommandResult.Refuse(EnvFiles.TooLarge(name));
        else
        {
            byte[]? bytes;
            try
            {
                bytes = await api.GetContentAsync(message.StringAt("id") ?? "", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LineApiException or HttpRequestException or ExecutionRejectedException or TaskCanceledException)
            {
                logger.LogWarning("Could not download the file of LINE message {Id}: {Error}", message.StringAt("id"), ex.Message);
                await replies.AnswerAsync(source, CommandResult.Refuse($"I could not fetch {Text.Tokens.Clip(name, 60)} from LINE. Send it again in a moment. Nothing was set."), replyToken).ConfigureAwait(false);
                return;
            }
            result = bytes is null ? CommandResult.Refuse(EnvFiles.TooLarge(name))
                : await handler.ReceiveEnvFileAsync(origin, name, Encoding.UTF8.GetString(bytes), null, CancellationToken.None).ConfigureAwait(false);
        }
        await replies.AnswerAsync(source, result, replyToken).ConfigureAwait(false);
    }

    /// <summary>In a group, a message that mentions the bot, with the mention taken out; null when the bot is not mentioned.</summary>
    private static string? WithoutSelfMention(JsonObject message, string text)
    {
        if (message.ObjectAt("mention").ArrayAt("mentionees") is not { } mentionees) return null;
        var self = mentionees.OfType<JsonObject>().FirstOrDefault(m => m.BoolAt("isSelf") == true);
        if (self is null) return null;
        var index = self.IntAt("index") ?? 0;
        var length = self.IntAt("length") ?? 0;
        return index >= 0 && length >= 0 && index + length <= text.Length ? (text[..index] + text[(index + length)..]).Trim() : text;
    }

    /// <summary><c>/deploy web</c>, <c>／deploy　web</c> or <c>deploy web</c>: a command even without a mention.</summary>
    private static bool LooksLikeCommand(string text)
    {
        var plain = TextNormalizer.Normalize(text);
        if (plain.StartsWith('/')) return true;
        var first = plain.Split(' ', 2)[0].TrimEnd('!');
        return Verbs.Find(first) is not null;
    }
}
