using System.Text.Json.Nodes;

namespace Bot.Tests.Alerts;

/// <summary>
/// ECS events as EventBridge delivers them to an SNS topic (the SNS <c>Message</c> is the event), in the shape of the examples in
/// the ECS developer guide ("Amazon ECS service deployment state change events", "Amazon ECS task state change events").
/// </summary>
public static class EcsPayloads
{
    public const string Account = "123456789012";
    public const string TopicArn = "arn:aws:sns:us-east-1:123456789012:ecs-events";
    public const string ClusterArn = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
    public const string TaskId = "4f1a7cbe3b2d4e0f9c8a6b5d4e3f2a1b";

    /// <summary>An SNS notification from the ECS events topic; EventBridge sends no Subject.</summary>
    public static JsonObject Notification(string message, string id) => new()
    {
        ["Type"] = "Notification", ["MessageId"] = id, ["TopicArn"] = TopicArn, ["Message"] = message,
        ["Timestamp"] = "2026-12-01T10:00:00.000Z",
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TopicArn + ":2b1d",
    };

    public static string Deployment(string eventName, string cluster = "prod", string service = "shop-web", string? reason = null) => new JsonObject
    {
        ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = "ECS Deployment State Change", ["source"] = "aws.ecs",
        ["account"] = Account, ["time"] = "2026-12-01T09:59:58Z", ["region"] = "us-east-1",
        ["resources"] = new JsonArray($"arn:aws:ecs:us-east-1:{Account}:service/{cluster}/{service}"),
        ["detail"] = new JsonObject
        {
            ["eventType"] = eventName == "SERVICE_DEPLOYMENT_FAILED" ? "ERROR" : "INFO",
            ["eventName"] = eventName,
            ["deploymentId"] = "ecs-svc/6102738946341975114",
            ["updatedAt"] = "2026-12-01T09:59:57.106Z",
            ["reason"] = reason ?? eventName switch
            {
                "SERVICE_DEPLOYMENT_FAILED" => "ECS deployment circuit breaker: tasks failed to start.",
                "SERVICE_DEPLOYMENT_COMPLETED" => "ECS deployment ecs-svc/6102738946341975114 completed.",
                _ => "ECS deployment ecs-svc/6102738946341975114 in progress.",
            },
        },
    }.ToJsonString();

    /// <summary>A Fargate task of the service that stopped: the app container with <paramref name="exitCode"/>, its log router with 0.</summary>
    public static string TaskStopped(int? exitCode, string stopCode = "EssentialContainerExited", string stoppedReason = "Essential container in task exited",
        string group = "service:shop-web", string clusterArn = ClusterArn)
    {
        var taskArn = $"{clusterArn.Replace(":cluster/", ":task/", StringComparison.Ordinal)}/{TaskId}";
        JsonObject Container(string name, int? exit, string? reason)
        {
            var c = new JsonObject
            {
                ["containerArn"] = $"arn:aws:ecs:us-east-1:{Account}:container/prod/{TaskId}/{Guid.NewGuid()}",
                ["lastStatus"] = "STOPPED", ["name"] = name, ["image"] = $"{Account}.dkr.ecr.us-east-1.amazonaws.com/shop-web:3f2a9c1",
                ["taskArn"] = taskArn, ["networkInterfaces"] = new JsonArray(new JsonObject { ["privateIpv4Address"] = "10.0.12.34" }),
                ["cpu"] = "0",
            };
            if (exit is not null) c["exitCode"] = exit;
            if (reason is not null) c["reason"] = reason;
            return c;
        }
        return new JsonObject
        {
            ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = "ECS Task State Change", ["source"] = "aws.ecs",
            ["account"] = Account, ["time"] = "2026-12-01T09:58:40Z", ["region"] = "us-east-1", ["resources"] = new JsonArray(taskArn),
            ["detail"] = new JsonObject
            {
                ["availabilityZone"] = "us-east-1a", ["clusterArn"] = clusterArn,
                ["containers"] = new JsonArray(Container("web", exitCode, exitCode is null ? "CannotPullContainerError: pull image manifest has been retried 5 time(s)" : null),
                    Container("log-router", exitCode is null ? null : 0, null)),
                ["cpu"] = "256", ["memory"] = "512", ["createdAt"] = "2026-12-01T09:56:02.114Z", ["desiredStatus"] = "STOPPED",
                ["group"] = group, ["launchType"] = "FARGATE", ["lastStatus"] = "STOPPED", ["platformVersion"] = "1.4.0",
                ["startedBy"] = "ecs-svc/6102738946341975114", ["stopCode"] = stopCode, ["stoppedAt"] = "2026-12-01T09:58:39.871Z",
                ["stoppedReason"] = stoppedReason, ["stoppingAt"] = "2026-12-01T09:58:09.244Z", ["taskArn"] = taskArn,
                ["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:{Account}:task-definition/shop-web:42", ["updatedAt"] = "2026-12-01T09:58:39.871Z",
                ["version"] = 5,
            },
        }.ToJsonString();
    }
}
