using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bot.Targets.Ecs;

/// <summary>What the bot sends to and reads from ECS (JSON 1.1, camelCase), serialized by generated code.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(DescribeServicesRequest))]
[JsonSerializable(typeof(DescribeServicesAnswer))]
[JsonSerializable(typeof(DescribeTaskDefinitionRequest))]
[JsonSerializable(typeof(TaskDefinitionAnswer))]
[JsonSerializable(typeof(UpdateServiceRequest))]
[JsonSerializable(typeof(ServiceAnswer))]
[JsonSerializable(typeof(ListTasksRequest))]
[JsonSerializable(typeof(ListTasksAnswer))]
[JsonSerializable(typeof(DescribeTasksRequest))]
[JsonSerializable(typeof(DescribeTasksAnswer))]
[JsonSerializable(typeof(ListTaskDefinitionsRequest))]
[JsonSerializable(typeof(RunTaskRequest))]
[JsonSerializable(typeof(StopTaskRequest))]
[JsonSerializable(typeof(ListTaskDefinitionsAnswer))]
internal sealed partial class EcsJson : JsonSerializerContext;

public sealed record DescribeServicesRequest(string Cluster, List<string> Services);

public sealed record DescribeServicesAnswer(List<EcsService>? Services, List<EcsFailure>? Failures);

public sealed record EcsFailure(string? Arn, string? Reason, string? Detail);

/// <summary>The members of a service the bot reads; <see cref="Events"/> come newest first.</summary>
public sealed record EcsService(
    string? ServiceName, string? Status, string? TaskDefinition, int DesiredCount, int RunningCount, int PendingCount,
    List<EcsDeployment>? Deployments, List<ServiceEvent>? Events, JsonObject? NetworkConfiguration = null, string? LaunchType = null,
    JsonArray? CapacityProviderStrategy = null, string? PlatformVersion = null)
{
    public EcsDeployment? Primary => Deployments?.FirstOrDefault(d => d.Status == "PRIMARY");
}

/// <summary>One deployment of a service: PRIMARY (the newest), ACTIVE (older ones still draining) or INACTIVE.</summary>
public sealed record EcsDeployment(
    string? Id, string? Status, string? TaskDefinition, int DesiredCount, int PendingCount, int RunningCount, int FailedTasks,
    string? RolloutState, string? RolloutStateReason, double? CreatedAt);

public sealed record ServiceEvent(string? Id, double? CreatedAt, string? Message);

/// <param name="Include"><c>TAGS</c>, so the answer carries the revision's tags.</param>
public sealed record DescribeTaskDefinitionRequest(string TaskDefinition, List<string>? Include = null);

/// <summary>
/// A task definition kept as ECS returned it, so a new revision carries every field over, even ones this bot does not know;
/// <see cref="Tags"/> are the revision's own (the bot's deployment number and commit).
/// </summary>
public sealed record TaskDefinitionAnswer(JsonObject TaskDefinition, List<EcsTag>? Tags);

public sealed record EcsTag(string Key, string Value);

/// <summary>Only the members given change; <see cref="ForceNewDeployment"/> restarts every task on the same revision.</summary>
public sealed record UpdateServiceRequest(string Cluster, string Service, string? TaskDefinition = null, int? DesiredCount = null, bool? ForceNewDeployment = null);

public sealed record ServiceAnswer(EcsService Service);

public sealed record ListTasksRequest(string Cluster, string ServiceName, string DesiredStatus, int? MaxResults = null);

public sealed record ListTasksAnswer(List<string>? TaskArns, string? NextToken);

public sealed record DescribeTasksRequest(string Cluster, List<string> Tasks);

public sealed record DescribeTasksAnswer(List<EcsTask>? Tasks, List<EcsFailure>? Failures);

public sealed record EcsTask(
    string TaskArn, string? TaskDefinitionArn, string? LastStatus, string? DesiredStatus, string? StartedBy, string? StopCode, string? StoppedReason,
    double? StoppedAt, List<EcsContainer>? Containers)
{
    /// <summary>The task's id, the last segment of its ARN (what the awslogs stream name ends with).</summary>
    public string Id => TaskArn[(TaskArn.LastIndexOf('/') + 1)..];
}

public sealed record EcsContainer(string? Name, string? Image, string? LastStatus, int? ExitCode, string? Reason);

public sealed record ListTaskDefinitionsRequest(string FamilyPrefix, string Sort, int MaxResults);

public sealed record ListTaskDefinitionsAnswer(List<string>? TaskDefinitionArns, string? NextToken);

/// <summary>A one-off task of the service's revision, placed as the service's own tasks are (its network, launch type or capacity providers).</summary>
public sealed record RunTaskRequest(
    string Cluster, string TaskDefinition, TaskOverride Overrides, string StartedBy, JsonObject? NetworkConfiguration, string? LaunchType,
    JsonArray? CapacityProviderStrategy, string? PlatformVersion, int Count = 1);

public sealed record TaskOverride(List<ContainerOverride> ContainerOverrides);

public sealed record ContainerOverride(string Name, List<string> Command);

public sealed record StopTaskRequest(string Cluster, string Task, string Reason);
