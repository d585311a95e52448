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
    public static async Task RecordOnceAsync(HttpContext context, string source, string delivery, Alert alert, int ok, (int Status, string Text) failed, string what)
    {
        var services = context.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await services.GetRequiredService<IDeploymentStore>().TryRecordDeliveryAsync(source, delivery, now, context.RequestAborted).ConfigureAwait(false))
        {
            await AnswerAsync(context, ok, "duplicate").ConfigureAwait(false);
            return;
        }
        try
        {
            var (stored, change) = await services.GetRequiredService<AlertRouter>().ReceiveAsync(alert, context.RequestAborted).ConfigureAwait(false);
            await AnswerAsync(context, ok, stored.Muted || change == AlertChange.NothingOpen ? "recorded" : "accepted").ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AlertIntake)).LogError(e, "Handling {What} failed", what);
            await Webhook.TextAsync(context, failed.Status, failed.Text).ConfigureAwait(false);
        }
    }

    public static Task AnswerAsync(HttpContext context, int statusCode, string status, string? reason = null)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new JsonObject { ["status"] = status };
        if (reason is not null) body["reason"] = reason;
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
