using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// <c>POST /line/webhook</c>: verify the signature over the raw bytes (401), then check the body is a webhook
/// callback (400), record each event and answer 200 at once; events are handled after the answer.
/// The console's "Verify" request (no events) gets a plain 200.
/// </summary>
public static class LineEndpoints
{
    public static void MapLineEndpoints(this IEndpointRouteBuilder app) => app.MapPost("/line/webhook", HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] LineOptions options, [FromServices] LineInbound inbound, [FromServices] ILoggerFactory loggers,
        [FromServices] BotMetrics metrics)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        var body = await Webhook.ReadSignedAsync(context, options.ChannelSecret, "LINE webhooks", "LINE_CHANNEL_SECRET", "X-Line-Signature",
            (secret, bytes) => LineSignature.Verify(secret, bytes.Span, context.Request.Headers["X-Line-Signature"])).ConfigureAwait(false);
        if (body is null) return;
        if (Webhook.ParseObject(body.Value.Span) is not { } callback || callback["events"] is not JsonArray events)
        {
            await Webhook.TextAsync(context, 400, "expected a JSON object with an events array").ConfigureAwait(false);
            return;
        }
        try
        {
            await inbound.AcceptAsync(events, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = 200;
            metrics.Acknowledged("line", arrived);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Answer 200 anyway: LINE would redeliver, and the same failure would repeat.
            loggers.CreateLogger(typeof(LineEndpoints)).LogError(e, "Handling a LINE webhook failed");
            context.Response.StatusCode = 200;
        }
    }
}
