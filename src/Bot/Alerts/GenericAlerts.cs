using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Configuration;
using Bot.Deployments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Bot.Alerts;

/// <summary>
/// <c>POST /alerts/generic</c>: an alert from any monitoring system, as JSON —
/// <c>{"app":"web","title":"Error rate above 5%","env":"production","severity":"critical","status":"firing",
/// "detail":"…","link":"https://…","dedupe_key":"error-rate","source":"grafana"}</c> (only <c>app</c> and
/// <c>title</c> are required) — signed as <see cref="AlertSignature"/> describes. 401 for a bad or stale
/// signature, 400 with the reason for a bad body, 202 when accepted; a replayed request is accepted once.
/// </summary>
public static class GenericAlerts
{
    public static void MapGenericAlerts(this IEndpointRouteBuilder app) => app.MapPost("/alerts/generic", HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] AlertOptions options, [FromServices] AppCatalog apps, [FromServices] TimeProvider time)
    {
        var headers = context.Request.Headers;
        var signature = headers["X-Deploybot-Signature"].ToString();
        var body = await Webhook.ReadSignedAsync(context, options.Secret, "generic alerts", "ALERTS_SECRET", "X-Deploybot-Signature or X-Deploybot-Timestamp",
            (secret, bytes) => AlertSignature.Verify(secret, headers["X-Deploybot-Timestamp"], bytes.Span, signature, time.GetUtcNow())).ConfigureAwait(false);
        if (body is null) return;
        if (context.Request.ContentType is { Length: > 0 } type && !IsJson(type))
        {
            await Webhook.TextAsync(context, 415, "expected application/json").ConfigureAwait(false);
            return;
        }
        if (Webhook.ParseObject(body.Value.Span) is not { } json)
        {
            await Webhook.TextAsync(context, 400, "expected a JSON object").ConfigureAwait(false);
            return;
        }
        if (Read(json, apps, time.GetUtcNow()) is not { } alert)
        {
            await Webhook.TextAsync(context, 400, Problem(json, apps) ?? "not an alert").ConfigureAwait(false);
            return;
        }
        // The same signed request twice (a sender's retry, or someone replaying it) is taken once. Senders read the
        // alert's id, count and state from the answer, and a repeat is a plain 200.
        await AlertIntake.RecordOnceAsync(context, "alert", signature, alert, 202, (400, "the alert could not be recorded; send it again"), "a generic alert",
            duplicate: 200, details: true).ConfigureAwait(false);
    }

    private static Alert? Read(JsonObject json, AppCatalog apps, DateTimeOffset now)
    {
        if (Problem(json, apps) is not null) return null;
        var app = apps.Find(json.StringAt("app")!)!;
        var title = json.StringAt("title")!.Trim();
        return new Alert(
            json.StringAt("source") is { Length: > 0 } s ? s.Trim() : "generic", app.Name, json.StringAt("env"),
            json.StringAt("severity")?.ToLowerInvariant() switch { "critical" => AlertSeverity.Critical, "info" => AlertSeverity.Info, _ => AlertSeverity.Warning },
            title, json.StringAt("detail"), json.StringAt("link"),
            json.StringAt("dedupe_key") is { Length: > 0 } k ? k : title, json.StringAt("status")?.ToLowerInvariant() == "resolved", now);
    }

    /// <summary>What is wrong with the body, for the 400 answer; null when it is fine.</summary>
    private static string? Problem(JsonObject json, AppCatalog apps)
    {
        if (json.StringAt("app") is not { Length: > 0 } name) return "field 'app' (a string) is required";
        if (apps.Find(name) is not { } app) return $"unknown app '{Clip(name)}'; this bot has: {string.Join(", ", apps.Names)}";
        if (json.StringAt("title") is not { } title || string.IsNullOrWhiteSpace(title)) return "field 'title' (a string) is required";
        if (title.Length > 300) return "field 'title' is longer than 300 characters";
        if (json.StringAt("env") is { } env && !app.HasEnv(env)) return $"app '{app.Name}' has no environment '{Clip(env)}'; it has: {string.Join(", ", app.Environments)}";
        if (json["severity"] is not null && json.StringAt("severity")?.ToLowerInvariant() is not ("info" or "warning" or "critical"))
            return "field 'severity' should be info, warning or critical";
        if (json["status"] is not null && json.StringAt("status")?.ToLowerInvariant() is not ("firing" or "resolved"))
            return "field 'status' should be firing or resolved";
        if (json["link"] is not null && (json.StringAt("link") is not { } link || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            return "field 'link' should be an http(s) URL";
        if (json.StringAt("detail") is { Length: > 4000 }) return "field 'detail' is longer than 4000 characters";
        if (json.StringAt("source") is { Length: > 40 }) return "field 'source' is longer than 40 characters";
        if (json.StringAt("dedupe_key") is { Length: > 200 }) return "field 'dedupe_key' is longer than 200 characters";
        return null;
    }

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
