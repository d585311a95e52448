using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Alerts;

/// <summary>What every platform's alert endpoint does last: take a delivery once, record its alert, answer in JSON.</summary>
internal static class AlertIntake
{
    /// <summary>
    /// Records <paramref name="alert"/> unless <paramref name="delivery"/> of <paramref name="source"/> was seen before, and
    /// answers <c>{"status": "duplicate" | "recorded" | "accepted"}</c> with <paramref name="ok"/>; a failure to record is
    /// logged and answered with <paramref name="failed"/>, so the platform sends it again.
    /// </summary>
    /// <param name="duplicate">The status a delivery seen before is answered with; <paramref name="ok"/> unless given.</param>
    /// <param name="details">Whether the answer also carries the stored alert's <c>id</c>, <c>count</c> and <c>state</c>.</param>
    public static Task RecordOnceAsync(HttpContext context, string source, string delivery, Alert alert, int ok, (int Status, string Text) failed, string what,
        int? duplicate = null, bool details = false) =>
        RecordOnceAsync(context, source, delivery, [alert], ok, failed, what, duplicate, details);

    /// <summary>
    /// The same for a delivery that means several alerts at once (an ECS deployment that completed resolves both the
    /// service's deployment and task alerts); the answer is <c>accepted</c> when any of them reached chat.
    /// </summary>
    public static async Task RecordOnceAsync(HttpContext context, string source, string delivery, IReadOnlyList<Alert> alerts, int ok, (int Status, string Text) failed,
        string what, int? duplicate = null, bool details = false)
    {
        var services = context.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await services.GetRequiredService<IDeploymentStore>().TryRecordDeliveryAsync(source, delivery, now, context.RequestAborted).ConfigureAwait(false))
        {
            await AnswerAsync(context, duplicate ?? ok, "duplicate").ConfigureAwait(false);
            return;
        }
        try
        {
            var router = services.GetRequiredService<AlertRouter>();
            var shown = false;
            StoredAlert? stored = null;
            foreach (var alert in alerts)
            {
                (stored, var change) = await router.ReceiveAsync(alert, context.RequestAborted).ConfigureAwait(false);
                shown |= !stored.Muted && change != AlertChange.NothingOpen;
            }
            var body = new JsonObject { ["status"] = shown ? "accepted" : "recorded" };
            if (details && alerts.Count == 1 && stored is not null)
            {
                body["id"] = stored.Id;
                body["count"] = stored.Count;
                body["state"] = stored.State == AlertState.Resolved ? "resolved" : "firing";
            }
            await WriteAsync(context, ok, body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AlertIntake)).LogError(e, "Handling {What} failed", what);
            await Webhook.TextAsync(context, failed.Status, failed.Text).ConfigureAwait(false);
        }
    }

    public static Task AnswerAsync(HttpContext context, int statusCode, string status, string? reason = null)
    {
        var body = new JsonObject { ["status"] = status };
        if (reason is not null) body["reason"] = reason;
        return WriteAsync(context, statusCode, body);
    }

    private static Task WriteAsync(HttpContext context, int statusCode, JsonObject body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
