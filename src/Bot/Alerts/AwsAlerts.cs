using System.Text.Json.Nodes;
using Bot.Http;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Security;
using Bot.Targets.Lambda;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Alerts;

/// <summary>
/// <c>POST /alerts/aws</c>: an SNS HTTP/S subscription. Every message is verified with <see cref="SnsSignature"/> against the
/// certificate from its <c>SigningCertURL</c> (an SNS host only, see <see cref="SnsCertificates"/>); anything else gets 401.
/// A <c>SubscriptionConfirmation</c> is confirmed by fetching its <c>SubscribeURL</c> (an SNS host only). A CloudWatch alarm
/// notification going to ALARM opens an alert of the app whose <c>Lambda:Alarms</c> or <c>Lambda:Function</c> it names, and OK
/// resolves it, when it comes from one of that app's <c>Lambda:Topics</c> (ECS events likewise, see <see cref="EcsEvents"/>, from <c>Ecs:Topics</c>): a valid signature only proves SNS sent it, and anyone
/// can point a topic of their own at this endpoint. A confirmation is likewise made only for a configured topic; anything
/// from another topic gets 403 and one log line. SNS redelivers: a message id is taken once.
/// </summary>
public static class AwsAlerts
{
    public static IServiceCollection AddAwsAlerts(this IServiceCollection services)
    {
        services.AddHttpClient(SnsCertificates.ClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SnsCertificates>();
        return services;
    }

    public static void MapAwsAlerts(this IEndpointRouteBuilder app) => app.MapPost("/alerts/aws", HandleAsync);

    private static async Task HandleAsync(HttpContext context, [FromServices] SnsCertificates certificates, [FromServices] AppCatalog apps,
        [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers)
    {
        var body = await Webhook.ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null) return;
        if (Webhook.ParseObject(body.Value.Span) is not { } json)
        {
            await Webhook.TextAsync(context, 400, "expected an SNS message (a JSON object)").ConfigureAwait(false);
            return;
        }
        var message = SnsMessage.From(json);
        if (!SnsSignature.IsCertificateUrl(message.SigningCertUrl))
        {
            await Webhook.TextAsync(context, 401, "SigningCertURL is not an https URL of an SNS host").ConfigureAwait(false);
            return;
        }
        var certificate = await certificates.GetAsync(message.SigningCertUrl, context.RequestAborted).ConfigureAwait(false);
        var check = certificate is null ? SignatureCheck.Missing : SnsSignature.Verify(message, certificate);
        if (check != SignatureCheck.Valid)
        {
            await Webhook.TextAsync(context, 401, certificate is null ? "the signing certificate could not be fetched" :
                check == SignatureCheck.Missing ? "missing Signature or SignatureVersion" : "invalid signature").ConfigureAwait(false);
            return;
        }
        switch (message.Type)
        {
            case "SubscriptionConfirmation":
                if (!Topics(apps.All.Where(TakesSns).SelectMany(a => a.Environments.Select(a.For))).Contains(message.TopicArn ?? ""))
                {
                    await RefuseTopicAsync(context, loggers, message, "no app lists it in Lambda:Topics or Ecs:Topics, so the subscription was not confirmed").ConfigureAwait(false);
                    return;
                }
                var confirmed = await certificates.ConfirmAsync(message.SubscribeUrl, context.RequestAborted).ConfigureAwait(false);
                await AlertIntake.AnswerAsync(context, 200, confirmed ? "confirmed" : "not confirmed", confirmed ? null : "SubscribeURL is not an SNS URL, or SNS refused it").ConfigureAwait(false);
                return;
            case "Notification":
                await NotifyAsync(context, message, apps, time, loggers).ConfigureAwait(false);
                return;
            default:
                await AlertIntake.AnswerAsync(context, 200, "ignored", $"{message.Type} needs nothing").ConfigureAwait(false);
                return;
        }
    }

    private static async Task NotifyAsync(HttpContext context, SnsMessage message, AppCatalog apps, TimeProvider time, ILoggerFactory loggers)
    {
        var alarm = message.Message is { } text ? Webhook.ParseObject(System.Text.Encoding.UTF8.GetBytes(text)) : null;
        if (alarm is not null && EcsEvents.IsEcs(alarm))
        {
            await NotifyEcsAsync(context, message, alarm, apps, time, loggers).ConfigureAwait(false);
            return;
        }
        if (alarm?.StringAt("AlarmName") is not { Length: > 0 } name || alarm.StringAt("NewStateValue") is not { } state)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", "not a CloudWatch alarm notification").ConfigureAwait(false);
            return;
        }
        var functions = (alarm.ObjectAt("Trigger")?["Dimensions"] as JsonArray ?? [])
            .Where(d => d.StringAt("name") == "FunctionName" || d.StringAt("Name") == "FunctionName")
            .Select(d => d.StringAt("value") ?? d.StringAt("Value")).OfType<string>().ToList();
        if (Owner(apps, name, functions) is not { } owner)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", $"no app here watches alarm {Clip(name)}").ConfigureAwait(false);
            return;
        }
        if (!Topics([owner]).Contains(message.TopicArn ?? ""))
        {
            await RefuseTopicAsync(context, loggers, message, $"it is not in Lambda:Topics of {owner.App}, whose alarm {Clip(name)} it names, so no alert was made").ConfigureAwait(false);
            return;
        }
        if (ToAlert(alarm, name, state, owner, time.GetUtcNow()) is not { } alert)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", $"state {Clip(state)} is neither ALARM nor OK").ConfigureAwait(false);
            return;
        }
        await AlertIntake.RecordOnceAsync(context, "sns", message.MessageId ?? message.Signature!, alert, 200, (500, "the alarm could not be recorded; SNS will send it again"), "an SNS alarm notification").ConfigureAwait(false);
    }

    /// <summary>An ECS event (EventBridge → SNS) of a service an <c>ecs</c> app names, from one of that app's <c>Ecs:Topics</c>.</summary>
    private static async Task NotifyEcsAsync(HttpContext context, SnsMessage message, JsonObject e, AppCatalog apps, TimeProvider time, ILoggerFactory loggers)
    {
        if (EcsEvents.ServiceOf(e) is not { } service)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", "an ECS event of no service").ConfigureAwait(false);
            return;
        }
        if (EcsEvents.Owner(apps, service) is not { } owner)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", $"no app here runs ECS service {Clip(service.Key)}").ConfigureAwait(false);
            return;
        }
        if (!Topics([owner]).Contains(message.TopicArn ?? ""))
        {
            await RefuseTopicAsync(context, loggers, message, $"it is not in Ecs:Topics of {owner.App}, whose service {Clip(service.Key)} it names, so no alert was made").ConfigureAwait(false);
            return;
        }
        var (alerts, note) = EcsEvents.ToAlerts(e, service, owner, time.GetUtcNow());
        if (alerts.Count == 0)
        {
            await AlertIntake.AnswerAsync(context, 200, "ignored", note).ConfigureAwait(false);
            return;
        }
        await AlertIntake.RecordOnceAsync(context, "sns", message.MessageId ?? message.Signature!, alerts, 200, (500, "the ECS event could not be recorded; SNS will send it again"), "an ECS event").ConfigureAwait(false);
    }

    private static bool IsLambda(AppConfig a) => a.Target.Equals("lambda", StringComparison.OrdinalIgnoreCase);

    /// <summary>The targets whose apps list the SNS topics they take alerts from (<c>Lambda:Topics</c>, <c>Ecs:Topics</c>).</summary>
    private static bool TakesSns(AppConfig a) => IsLambda(a) || a.Target.Equals("ecs", StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> Topics(IEnumerable<AppEnvConfig> apps) =>
        apps.SelectMany(e => AppCatalog.List(e.Section.GetSection(AppCatalog.SectionOf(e.Target)), "Topics")).ToHashSet(StringComparer.Ordinal);

    private static Task RefuseTopicAsync(HttpContext context, ILoggerFactory loggers, SnsMessage message, string what)
    {
        var topic = message.TopicArn is { Length: > 0 and <= 256 } t ? t : "(none)";
        loggers.CreateLogger(typeof(AwsAlerts))
            .LogWarning("SNS {Type} from topic {Topic} refused: {What}", message.Type, topic, what);
        return AlertIntake.AnswerAsync(context, 403, "refused", $"topic {topic} is not one this bot takes alerts from (Lambda:Topics, Ecs:Topics)");
    }

    /// <summary>The Lambda app (and environment) whose <c>Alarms</c> list the alarm, else whose <c>Function</c> the alarm's metric is of.</summary>
    private static AppEnvConfig? Owner(AppCatalog apps, string alarm, IReadOnlyList<string> functions)
    {
        var lambdas = apps.All.Where(IsLambda).SelectMany(a => a.Environments.Select(a.For)).ToList();
        return lambdas.FirstOrDefault(e => AppCatalog.List(e.Section.GetSection("Lambda"), "Alarms").Contains(alarm, StringComparer.Ordinal))
            ?? lambdas.FirstOrDefault(e => functions.Any(f => LambdaSettings.ShortName(e.Section["Lambda:Function"] ?? "") == f));
    }

    internal static Alert? ToAlert(JsonObject alarm, string name, string state, AppEnvConfig app, DateTimeOffset now)
    {
        var region = alarm.StringAt("AlarmArn")?.Split(':') is { Length: > 3 } arn ? arn[3] : null;
        var link = region is null ? null : $"https://console.aws.amazon.com/cloudwatch/home?region={region}#alarmsV2:alarm/{Uri.EscapeDataString(name)}";
        var key = $"aws:alarm:{name}";
        return state switch
        {
            "ALARM" => new Alert("aws", app.App, app.Env, AlertSeverity.Critical, $"CloudWatch alarm {name} is in ALARM",
                $"{alarm.StringAt("NewStateReason") ?? alarm.StringAt("AlarmDescription") ?? "No reason given."} Type `logs {app.App} grep ERROR` to look, or `rollback {app.App}`.",
                link, key, false, now),
            "OK" => new Alert("aws", app.App, app.Env, AlertSeverity.Info, $"CloudWatch alarm {name} is OK again", alarm.StringAt("NewStateReason"), link, key, true, now),
            _ => null,
        };
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
