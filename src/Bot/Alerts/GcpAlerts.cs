using System.Text;
using Bot.Http;
using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Alerts;

/// <summary>
/// <c>POST /alerts/gcp</c>: Cloud Monitoring incidents, sent by a webhook notification channel (with <c>GCP_ALERTS_TOKEN</c>
/// in the URL or as basic auth) or by a Pub/Sub channel through a push subscription (with an OIDC token of
/// <c>GCP_PUSH_SERVICE_ACCOUNT</c>; see <see cref="GcpToken"/>). 401 when neither proof holds, 400 with a short reason for a
/// body that is not an incident, a redelivery taken once. An open incident on a Cloud Run service of an app fires an
/// alert of that app; its close resolves it.
/// </summary>
public static class GcpAlerts
{
    /// <summary>Reads the endpoint's keys once, at startup, so a malformed one stops the bot with its name.</summary>
    public static IServiceCollection AddGcpAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GcpAlertOptions.From(configuration));
        return services;
    }

    public static void MapGcpAlerts(this IEndpointRouteBuilder app) => app.MapPost("/alerts/gcp", HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] GcpAlertOptions options, [FromServices] AppCatalog apps, [FromServices] TimeProvider time)
    {
        var body = await Webhook.ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null) return;
        if (Webhook.ParseObject(body.Value.Span) is not { } json)
        {
            await Webhook.TextAsync(context, 400, "expected a JSON object").ConfigureAwait(false);
            return;
        }
        var push = json.ObjectAt("message") is not null && json["subscription"] is not null;
        if (await RefusedAsync(context, options, push).ConfigureAwait(false) is { } refusal)
        {
            await Webhook.TextAsync(context, 401, refusal).ConfigureAwait(false);
            return;
        }
        string delivery;
        if (push)
        {
            var message = json.ObjectAt("message")!;
            delivery = "pubsub:" + (message.StringAt("messageId") ?? message.StringAt("message_id") ?? "");
            try { json = Webhook.ParseObject(Convert.FromBase64String(message.StringAt("data") ?? "")) ?? new JsonObject(); }
            catch (FormatException) { json = new JsonObject(); }
        }
        else delivery = "";
        if (json.ObjectAt("incident") is not { } incident || incident.StringAt("incident_id") is not { Length: > 0 } id || incident.StringAt("state") is not ("open" or "closed"))
        {
            await Webhook.TextAsync(context, 400, "expected a Cloud Monitoring notification: incident.incident_id and incident.state (open or closed)").ConfigureAwait(false);
            return;
        }
        if (delivery is "" or "pubsub:") delivery = $"monitoring:{id}:{incident.StringAt("state")}";
        if (Owner(apps, incident) is not { } owner)
        {
            await AlertIntake.AnswerAsync(context, 202, "ignored", "no app here has this incident's Cloud Run service").ConfigureAwait(false);
            return;
        }
        await AlertIntake.RecordOnceAsync(context, "gcp", delivery, ToAlert(incident, owner, time.GetUtcNow()), 202, (400, "the incident could not be recorded; send it again"), "a Google Cloud alert").ConfigureAwait(false);
    }

    /// <summary>Why the request is not Google's, or null when it is.</summary>
    private static async Task<string?> RefusedAsync(HttpContext context, GcpAlertOptions options, bool push)
    {
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null;
        if (push)
        {
            if (options.PushServiceAccount is not { } account || options.Audience is not { } audience)
                return "Pub/Sub pushes are off on this bot (set GCP_PUSH_SERVICE_ACCOUNT and BOT_PUBLIC_URL)";
            return await GcpToken.VerifyPushAsync(authorization, audience, account, options.CertsUrl, context.RequestAborted).ConfigureAwait(false) switch
            {
                OidcCheck.Valid => null,
                OidcCheck.Missing => "missing the push's OIDC token (Authorization: Bearer)",
                OidcCheck.Expired => "the OIDC token has expired",
                OidcCheck.WrongAudience => "the OIDC token is for another audience",
                OidcCheck.WrongAccount => "the OIDC token is not of GCP_PUSH_SERVICE_ACCOUNT",
                _ => "invalid OIDC token",
            };
        }
        if (options.Token is not { } token) return Webhook.Off("Cloud Monitoring webhooks", "GCP_ALERTS_TOKEN");
        return GcpToken.VerifyShared(token, context.Request.Query["token"].ToString(), authorization) switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.Missing => "missing the token (?token= or basic auth)",
            _ => "invalid token",
        };
    }

    /// <summary>The app whose Cloud Run service (and project) the incident's resource is; a policy label <c>deploybot_app</c> names one directly.</summary>
    private static AppEnvConfig? Owner(AppCatalog apps, JsonObject incident)
    {
        var labels = incident.ObjectAt("resource").ObjectAt("labels");
        var service = labels.StringAt("service_name");
        var project = labels.StringAt("project_id") ?? incident.StringAt("scoping_project_id");
        var named = incident.ObjectAt("policy_user_labels").StringAt("deploybot_app");
        var envs = apps.All.SelectMany(a => a.Environments.Select(a.For)).ToList();
        return named is not null && apps.Find(named) is { } app ? app.Default
            : envs.FirstOrDefault(e => e.Target == "cloudrun" && service is not null
                                       && string.Equals(e.Section["CloudRun:Service"], service, StringComparison.OrdinalIgnoreCase)
                                       && (project is null || string.Equals(e.Section["CloudRun:Project"], project, StringComparison.OrdinalIgnoreCase)));
    }

    internal static Alert ToAlert(JsonObject incident, AppEnvConfig owner, DateTimeOffset now)
    {
        var closed = incident.StringAt("state") == "closed";
        var policy = incident.StringAt("policy_name") ?? "Cloud Monitoring alert";
        var condition = incident.StringAt("condition_name");
        var severity = incident.StringAt("severity")?.ToLowerInvariant() switch
        {
            "critical" or "error" => AlertSeverity.Critical,
            "warning" => AlertSeverity.Warning,
            _ => closed ? AlertSeverity.Info : AlertSeverity.Warning,
        };
        var detail = new StringBuilder(incident.StringAt("summary") ?? "");
        if (incident.ObjectAt("documentation").StringAt("content") is { Length: > 0 } doc) detail.Append(detail.Length > 0 ? "\n" : "").Append(doc);
        return new Alert("gcp", owner.App, owner.Env, severity, condition is null || condition == policy ? policy : $"{policy}: {condition}",
            detail.Length > 0 ? detail.ToString() : null, incident.StringAt("url"), $"gcp:{incident.StringAt("incident_id")}", closed, now);
    }
}
