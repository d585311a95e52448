using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets.Heroku;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Bot.Alerts;

/// <summary>
/// <c>POST /alerts/heroku</c>: Heroku app webhooks (<c>api:build</c>, <c>api:release</c>, <c>dyno</c>), made by
/// <c>bot heroku webhooks &lt;app&gt;</c>. Verified with <see cref="HerokuSignature"/> (401 when it fails), 400 with a short
/// reason for a body that is not an event, a redelivery (the same delivery or event id) taken once. A failed build or
/// release and a crashed dyno become alerts of the app whose <c>Heroku:App</c> it is; a later success resolves them.
/// </summary>
public static class HerokuAlerts
{
    public static void MapHerokuAlerts(this IEndpointRouteBuilder app) => app.MapPost("/alerts/heroku", HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] HerokuOptions options, [FromServices] AppCatalog apps, [FromServices] TimeProvider time)
    {
        var body = await Webhook.ReadSignedAsync(context, options.WebhookSecret, "Heroku webhooks", "HEROKU_WEBHOOK_SECRET", "Heroku-Webhook-Hmac-SHA256",
            (secret, bytes) => HerokuSignature.Verify(secret, bytes.Span, context.Request.Headers["Heroku-Webhook-Hmac-SHA256"])).ConfigureAwait(false);
        if (body is null) return;
        if (Webhook.ParseObject(body.Value.Span) is not { } json)
        {
            await Webhook.TextAsync(context, 400, "expected a JSON object").ConfigureAwait(false);
            return;
        }
        if (Problem(json) is { } problem)
        {
            await Webhook.TextAsync(context, 400, problem).ConfigureAwait(false);
            return;
        }
        var heroku = json.ObjectAt("data").ObjectAt("app").StringAt("name")!;
        if (Owner(apps, heroku) is not { } owner)
        {
            await AlertIntake.AnswerAsync(context, 202, "ignored", $"no app here has Heroku:App = {Clip(heroku)}").ConfigureAwait(false);
            return;
        }
        if (ToAlert(json, owner.App, owner.Env, heroku, time.GetUtcNow()) is not { } alert)
        {
            await AlertIntake.AnswerAsync(context, 202, "ignored", "not a failure, crash or recovery").ConfigureAwait(false);
            return;
        }
        // One delivery of one event, however many attempts it takes: webhook_metadata.delivery.id in the body, else the
        // event's own id, else the Heroku-Webhook-Id header; without any of them the signature stands for the body.
        var delivery = json.ObjectAt("webhook_metadata").ObjectAt("delivery").StringAt("id") is { Length: > 0 } d ? d
            : json.StringAt("id") is { Length: > 0 } ev ? ev
            : context.Request.Headers["Heroku-Webhook-Id"].ToString() is { Length: > 0 } h ? h
            : context.Request.Headers["Heroku-Webhook-Hmac-SHA256"].ToString();
        await AlertIntake.RecordOnceAsync(context, "heroku", delivery, alert, 202, (400, "the event could not be recorded; send it again"), "a Heroku webhook").ConfigureAwait(false);
    }

    /// <summary>What is wrong with an event body for the 400 answer; null when it is an event.</summary>
    private static string? Problem(JsonObject json)
    {
        if (json.StringAt("resource") is not { Length: > 0 }) return "field 'resource' (a string) is required";
        if (json.ObjectAt("data") is not { } data) return "field 'data' (an object) is required";
        if (data.ObjectAt("app").StringAt("name") is not { Length: > 0 }) return "field 'data.app.name' (a string) is required";
        if (json.StringAt("id") is null && json["id"] is not null) return "field 'id' should be a string";
        return null;
    }

    /// <summary>The app (and environment) whose <c>Heroku:App</c> is <paramref name="heroku"/>.</summary>
    private static AppEnvConfig? Owner(AppCatalog apps, string heroku) =>
        apps.All.Where(a => a.Target.Equals("heroku", StringComparison.OrdinalIgnoreCase))
            .SelectMany(a => a.Environments.Select(a.For))
            .FirstOrDefault(e => string.Equals(e.Section["Heroku:App"], heroku, StringComparison.OrdinalIgnoreCase));

    /// <summary>Failures and crashes fire; the next success (or a dyno back up) resolves the same key. Everything else is not an alert.</summary>
    internal static Alert? ToAlert(JsonObject json, string app, string env, string heroku, DateTimeOffset now)
    {
        var data = json.ObjectAt("data")!;
        var link = $"https://dashboard.heroku.com/apps/{heroku}/activity";
        var by = json.ObjectAt("actor").StringAt("email") ?? data.ObjectAt("user").StringAt("email");
        switch (json.StringAt("resource"), data.StringAt("status"), data.StringAt("state"))
        {
            case ("build", "failed", _):
                var version = data.ObjectAt("source_blob").StringAt("version");
                return new Alert("heroku", app, env, AlertSeverity.Warning, $"Heroku build of {heroku} failed",
                    $"Build {Short(data.StringAt("id"))}{(version is null ? "" : $" of {Short(version)}")}{By(by)} failed; nothing was released.",
                    $"{link}/builds/{data.StringAt("id")}", $"heroku:{heroku}:build", false, now);
            case ("build", "succeeded", _):
                return new Alert("heroku", app, env, AlertSeverity.Info, $"Heroku build of {heroku} succeeded", null, null, $"heroku:{heroku}:build", true, now);
            case ("release", "failed", _):
                return new Alert("heroku", app, env, AlertSeverity.Critical, $"Heroku release v{data.IntAt("version")} of {heroku} failed",
                    $"{data.StringAt("description") ?? "A release"}{By(by)} failed (its release phase, most likely); the release before it is still live.",
                    link, $"heroku:{heroku}:release", false, now);
            case ("release", "succeeded", _):
                return new Alert("heroku", app, env, AlertSeverity.Info, $"Heroku release v{data.IntAt("version")} of {heroku} succeeded", null, null, $"heroku:{heroku}:release", true, now);
            case ("dyno", _, "crashed"):
                var dyno = data.StringAt("name") ?? "a dyno";
                return new Alert("heroku", app, env, AlertSeverity.Critical, $"{dyno} of {heroku} crashed",
                    $"Dyno {dyno} ({data.StringAt("type") ?? "?"}) crashed{(data.ObjectAt("release").IntAt("version") is { } v ? $" running v{v}" : "")}. Type `logs {app} dyno {dyno}` to see why, or `restart {app} {dyno}`.",
                    link, $"heroku:{heroku}:dyno:{data.StringAt("type") ?? dyno}", false, now);
            case ("dyno", _, "up"):
                return new Alert("heroku", app, env, AlertSeverity.Info, $"{data.StringAt("name")} of {heroku} is up", null, null,
                    $"heroku:{heroku}:dyno:{data.StringAt("type") ?? data.StringAt("name")}", true, now);
            default:
                return null;
        }
    }

    private static string Short(string? id) => id is null ? "?" : id.Length > 8 ? id[..8] : id;

    private static string By(string? email) => email is null ? "" : $" by {email}";

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
