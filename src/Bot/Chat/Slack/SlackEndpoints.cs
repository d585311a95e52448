using System.Text;
using Bot.Commands;
using Bot.Http;
using Bot.Telemetry;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// <c>POST /slack/commands</c>, <c>/slack/interactions</c>, <c>/slack/events</c>. Each request is verified
/// before anything is read from it; then parsed (400 with a short reason when it is not what Slack
/// sends) and handed to <see cref="ISlackInbound"/>. Nothing here answers 500.
/// </summary>
public static class SlackEndpoints
{
    private enum Kind { Command, Interaction, Event }

    private static readonly (string Path, Kind Kind)[] Routes =
        [("/slack/commands", Kind.Command), ("/slack/interactions", Kind.Interaction), ("/slack/events", Kind.Event)];

    public static void MapSlackEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var (path, kind) in Routes)
            app.MapPost(path, (HttpContext context, [FromServices] SlackOptions options, [FromServices] ISlackInbound inbound, [FromServices] TimeProvider time,
                [FromServices] ILoggerFactory loggers, [FromServices] BotMetrics metrics) => HandleAsync(context, kind, options, inbound, time, loggers, metrics));
    }

    private static async Task HandleAsync(HttpContext context, Kind kind, SlackOptions options, ISlackInbound inbound, TimeProvider time, ILoggerFactory loggers,
        BotMetrics metrics)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        var headers = context.Request.Headers;
        var body = await Webhook.ReadSignedAsync(context, options.SigningSecret, "Slack requests", "SLACK_SIGNING_SECRET", "X-Slack-Signature or X-Slack-Request-Timestamp",
            (secret, bytes) => SlackSignature.Verify(secret, headers["X-Slack-Request-Timestamp"], bytes.Span, headers["X-Slack-Signature"], time.GetUtcNow())).ConfigureAwait(false);
        if (body is null) return;

        try
        {
            JsonObject? answer = null;
            switch (kind)
            {
                case Kind.Command:
                    if (!await Webhook.RequireFormAsync(context).ConfigureAwait(false)) return;
                    var fields = ParseForm(body.Value.Span);
                    if (Missing(fields, "command", "user_id", "channel_id") is { } missing)
                    {
                        await Webhook.TextAsync(context, 400, $"missing field {missing}").ConfigureAwait(false);
                        return;
                    }
                    answer = await inbound.SlashCommandAsync(fields, context.RequestAborted).ConfigureAwait(false);
                    break;
                case Kind.Interaction:
                    if (!await Webhook.RequireFormAsync(context).ConfigureAwait(false)) return;
                    if (!ParseForm(body.Value.Span).TryGetValue("payload", out var payloadText) || Webhook.ParseObject(payloadText) is not { } payload)
                    {
                        await Webhook.TextAsync(context, 400, "expected a form field 'payload' holding a JSON object").ConfigureAwait(false);
                        return;
                    }
                    answer = await inbound.InteractionAsync(payload, context.RequestAborted).ConfigureAwait(false);
                    break;
                default:
                    if (Webhook.ParseObject(body.Value.Span) is not { } envelope)
                    {
                        await Webhook.TextAsync(context, 400, "expected a JSON object").ConfigureAwait(false);
                        return;
                    }
                    if (envelope.StringAt("type") == "url_verification")
                    {
                        await Webhook.TextAsync(context, 200, envelope.StringAt("challenge") ?? "").ConfigureAwait(false);
                        return;
                    }
                    await inbound.EventAsync(envelope, context.RequestAborted).ConfigureAwait(false);
                    break;
            }
            await Webhook.JsonAsync(context, answer).ConfigureAwait(false);
            metrics.Acknowledged("slack", arrived);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            loggers.CreateLogger(typeof(SlackEndpoints)).LogError(e, "Handling a Slack {Kind} failed", kind);
            // Acknowledge so Slack does not retry a request that fails the same way again.
            await Webhook.JsonAsync(context, kind == Kind.Command
                ? SlackReplies.Ephemeral(new ChatMessage("Something went wrong on my side (it is in the bot's log). Try again, or type `/deploy status`.", Tone.Error))
                : null).ConfigureAwait(false);
        }
    }

    /// <summary>A form body's fields (a name given twice keeps both values, joined by a comma), decoded as browsers encode them.</summary>
    internal static Dictionary<string, string> ParseForm(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body).AsSpan();
        var fields = new Dictionary<string, string>(16, StringComparer.Ordinal);
        foreach (var range in text.Split('&'))
        {
            var pair = text[range];
            if (pair.IsEmpty) continue;
            var equals = pair.IndexOf('=');
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            fields[name] = fields.TryGetValue(name, out var before) ? $"{before},{value}" : value;
        }
        return fields;
    }

    private static string Decode(ReadOnlySpan<char> encoded)
    {
        var text = encoded.ToString();
        if (text.Contains('+')) text = text.Replace('+', ' ');
        return text.Contains('%') ? Uri.UnescapeDataString(text) : text;
    }

    private static string? Missing(Dictionary<string, string> fields, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
            if (string.IsNullOrEmpty(fields.GetValueOrDefault(name))) return name;
        return null;
    }
}
