using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Http;

namespace Bot.Alerts;

/// <summary>
/// Amazon ECS events that EventBridge sends through SNS to <c>/alerts/aws</c>, as alerts of the <c>ecs</c> app (and environment)
/// whose <c>Ecs:Cluster</c> and <c>Ecs:Service</c> they are of. A deployment that FAILED is one alert per service, a task of the
/// service that stopped with a non-zero exit (or never started) another; the service's next COMPLETED deployment resolves both.
/// Not <c>SERVICE_STEADY_STATE</c>: ECS repeats it periodically, so a service whose tasks crash every few minutes would open and
/// resolve a new alert each time, where one open alert counting its repeats says more.
/// </summary>
internal static class EcsEvents
{
    public const string DeploymentChange = "ECS Deployment State Change";
    public const string TaskChange = "ECS Task State Change";

    /// <summary>Where an event happened: the cluster's ARN and name, the service's name, the region.</summary>
    public sealed record ServiceRef(string ClusterArn, string Cluster, string Service, string Region)
    {
        public string Key => $"{Cluster}/{Service}";
    }

    public static bool IsEcs(JsonObject e) => e.StringAt("source") == "aws.ecs";

    /// <summary>The service an event is of; null for events of no service (a standalone task, a container instance).</summary>
    public static ServiceRef? ServiceOf(JsonObject e)
    {
        if (e.StringAt("detail-type") == TaskChange)
        {
            var detail = e.ObjectAt("detail");
            return detail?.StringAt("group") is { } g && g.StartsWith("service:", StringComparison.Ordinal) && ClusterOf(detail.StringAt("clusterArn")) is { } c
                ? new ServiceRef(c.Arn, c.Name, g["service:".Length..], c.Region) : null;
        }
        // arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
        var arn = e.ArrayAt("resources") is [JsonValue first, ..] && first.GetValueKind() == JsonValueKind.String ? first.GetValue<string>() : null;
        var parts = arn?.Split(':');
        if (parts is not { Length: 6 } || parts[5].Split('/') is not ["service", var cluster, var service]) return null;
        return new ServiceRef($"{string.Join(':', parts[..5])}:cluster/{cluster}", cluster, service, parts[3]);
    }

    /// <summary>The ecs app and environment naming the service (its <c>Ecs:Cluster</c> a name or an ARN, <c>default</c> if unset).</summary>
    public static AppEnvConfig? Owner(AppCatalog apps, ServiceRef s) => apps.All
        .Where(a => a.Target.Equals("ecs", StringComparison.OrdinalIgnoreCase))
        .SelectMany(a => a.Environments.Select(a.For))
        .FirstOrDefault(e => e.Section["Ecs:Service"]?.Trim() == s.Service
            && (e.Section["Ecs:Cluster"]?.Trim() is not { Length: > 0 } cluster ? s.Cluster == "default"
                : cluster.StartsWith("arn:", StringComparison.Ordinal) ? cluster == s.ClusterArn : cluster == s.Cluster));

    /// <summary>What the event means for <paramref name="app"/>: alerts to record, or none and why not.</summary>
    public static (IReadOnlyList<Alert> Alerts, string Note) ToAlerts(JsonObject e, ServiceRef s, AppEnvConfig app, DateTimeOffset now)
    {
        var detail = e.ObjectAt("detail");
        var deploymentKey = $"ecs-deployment:{s.Key}";
        var taskKey = $"ecs-task:{s.Key}";
        var service = $"https://console.aws.amazon.com/ecs/v2/clusters/{Uri.EscapeDataString(s.Cluster)}/services/{Uri.EscapeDataString(s.Service)}";
        Alert Make(AlertSeverity severity, string title, string? text, string? link, string key, bool resolved) =>
            new("aws", app.App, app.Env, severity, title, text, $"{link ?? service + "/deployments"}?region={s.Region}", key, resolved, now);

        switch (e.StringAt("detail-type"), detail.StringAt("eventName"))
        {
            case (DeploymentChange, "SERVICE_DEPLOYMENT_FAILED"):
                var reason = detail.StringAt("reason") ?? "no reason given";
                return ([Make(AlertSeverity.Critical, $"ECS deployment failed: {reason}",
                    $"Deployment {detail.StringAt("deploymentId") ?? "?"} of {s.Key}. Type `logs {app.App}` to look, or `rollback {app.App}`.", null, deploymentKey, false)], "");
            case (DeploymentChange, "SERVICE_DEPLOYMENT_COMPLETED"):
                var done = $"Deployment {detail.StringAt("deploymentId") ?? "?"} of {s.Key} completed (a rollback ECS made by itself counts): the service is steady again.";
                return ([Make(AlertSeverity.Info, "ECS deployment completed", done, null, deploymentKey, true),
                         Make(AlertSeverity.Info, "ECS tasks are running again", done, null, taskKey, true)], "");
            case (TaskChange, _):
                return detail is not null && TaskStopped(detail) is { } stopped
                    ? ([Make(AlertSeverity.Critical, stopped.Title, stopped.Detail + $" Type `logs {app.App}` to look, or `rollback {app.App}`.",
                        $"https://console.aws.amazon.com/ecs/v2/clusters/{Uri.EscapeDataString(s.Cluster)}/tasks/{Uri.EscapeDataString(stopped.TaskId)}", taskKey, false)], "")
                    : ([], "a task that is running, or stopped as asked, needs nothing");
            default:
                return ([], $"{Clip(detail.StringAt("eventName") ?? e.StringAt("detail-type") ?? "this event")} needs nothing");
        }
    }

    /// <summary>
    /// A STOPPED task that is news: a container exited non-zero, or the task never started. A stop the scheduler or a person
    /// asked for (scale-in, a deployment replacing it, StopTask) is not, when the containers exited 0 or by the signal that
    /// stopped them (137, 143), unless it was stopped for failing its health checks.
    /// </summary>
    private static (string Title, string Detail, string TaskId)? TaskStopped(JsonObject detail)
    {
        if (detail.StringAt("lastStatus") != "STOPPED") return null;
        var stopCode = detail.StringAt("stopCode");
        var reason = detail.StringAt("stoppedReason") ?? stopCode ?? "no reason given";
        var containers = (detail.ArrayAt("containers") ?? []).OfType<JsonObject>()
            .Select(c => (Name: c.StringAt("name") ?? "?", Exit: c.IntAt("exitCode"), Reason: c.StringAt("reason"))).ToList();
        var taskId = detail.StringAt("taskArn")?.Split('/')[^1] ?? "?";
        var revision = detail.StringAt("taskDefinitionArn")?.Split('/')[^1];
        var all = string.Join(", ", containers.Select(c => $"{c.Name} {(c.Exit is { } x ? "exited " + x.ToString(CultureInfo.InvariantCulture) : "did not run")}{(c.Reason is null ? "" : $" ({c.Reason})")}"));
        var text = $"Task {taskId}{(revision is null ? "" : $" of {revision}")}: {all}.";
        if (stopCode == "TaskFailedToStart")
            return ($"Task failed to start: {reason}", text, taskId);
        var failed = containers.Where(c => c.Exit is not null and not 0).ToList();
        if (failed.Count == 0) return null;
        var asked = stopCode is "ServiceSchedulerInitiated" or "UserInitiated" && failed.All(c => c.Exit is 137 or 143)
            && !reason.Contains("health check", StringComparison.OrdinalIgnoreCase);
        return asked ? null : ($"Task stopped: {failed[0].Name} exited {failed[0].Exit!.Value.ToString(CultureInfo.InvariantCulture)} ({reason})", text, taskId);
    }

    private static (string Arn, string Name, string Region)? ClusterOf(string? arn) =>
        arn?.Split(':') is { Length: 6 } p && p[5].StartsWith("cluster/", StringComparison.Ordinal) ? (arn, p[5]["cluster/".Length..], p[3]) : null;

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
