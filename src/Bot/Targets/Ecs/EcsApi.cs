using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Bot.Targets.Lambda;

namespace Bot.Targets.Ecs;

/// <summary>
/// The ECS calls the bot makes (JSON 1.1, target <c>AmazonEC2ContainerServiceV20141113</c>), each in the app's region.
/// Calls that change something are sent once: a repeated registration would be a second revision.
/// </summary>
public sealed class EcsApi(AwsClient aws)
{
    private const string Prefix = "AmazonEC2ContainerServiceV20141113.";

    /// <summary>The service, or an <see cref="AwsApiException"/> <c>ServiceNotFoundException</c> saying why ECS did not find it.</summary>
    public async Task<EcsService> DescribeServiceAsync(EcsSettings s, CancellationToken ct)
    {
        var answer = await aws.JsonAsync(Call(s, "DescribeServices", new DescribeServicesRequest(s.Cluster, [s.Service]), EcsJson.Default.DescribeServicesRequest),
            EcsJson.Default.DescribeServicesAnswer, ct).ConfigureAwait(false);
        return answer.Services?.FirstOrDefault(x => x.Status != "INACTIVE")
            ?? throw new AwsApiException("DescribeServices", 400, "ServiceNotFoundException",
                answer.Failures?.FirstOrDefault()?.Reason is { } why ? $"{s.Service} in cluster {s.Cluster}: {why}" : $"{s.Service} in cluster {s.Cluster} is not active");
    }

    public Task<TaskDefinitionAnswer> DescribeTaskDefinitionAsync(EcsSettings s, string taskDefinition, CancellationToken ct) =>
        aws.JsonAsync(Call(s, "DescribeTaskDefinition", new DescribeTaskDefinitionRequest(taskDefinition, ["TAGS"]), EcsJson.Default.DescribeTaskDefinitionRequest),
            EcsJson.Default.TaskDefinitionAnswer, ct);

    /// <summary>Registers <paramref name="request"/> (the members of <c>RegisterTaskDefinitionRequest</c>) as a new revision.</summary>
    public async Task<TaskDefinitionAnswer> RegisterTaskDefinitionAsync(EcsSettings s, JsonObject request, CancellationToken ct)
    {
        var call = new AwsCall(AwsService.Ecs, "RegisterTaskDefinition", HttpMethod.Post, "", JsonSerializer.SerializeToUtf8Bytes(request, EcsJson.Default.JsonObject),
            ContentType, Prefix + "RegisterTaskDefinition", Retry: false, Region: s.Region);
        return await aws.JsonAsync(call, EcsJson.Default.TaskDefinitionAnswer, ct).ConfigureAwait(false);
    }

    public async Task<EcsService> UpdateServiceAsync(EcsSettings s, UpdateServiceRequest request, CancellationToken ct) =>
        (await aws.JsonAsync(Call(s, "UpdateService", request, EcsJson.Default.UpdateServiceRequest) with { Retry = false }, EcsJson.Default.ServiceAnswer, ct)
            .ConfigureAwait(false)).Service;

    /// <summary>The service's tasks that are stopping or stopped (ECS keeps them listed for about an hour), newest first.</summary>
    public async Task<IReadOnlyList<string>> ListStoppedTasksAsync(EcsSettings s, CancellationToken ct) =>
        (await aws.JsonAsync(Call(s, "ListTasks", new ListTasksRequest(s.Cluster, s.Service, "STOPPED", 100), EcsJson.Default.ListTasksRequest),
            EcsJson.Default.ListTasksAnswer, ct).ConfigureAwait(false)).TaskArns ?? [];

    /// <summary>Up to 100 tasks (DescribeTasks' limit).</summary>
    public async Task<IReadOnlyList<EcsTask>> DescribeTasksAsync(EcsSettings s, IReadOnlyList<string> arns, CancellationToken ct) =>
        arns.Count == 0 ? [] :
        (await aws.JsonAsync(Call(s, "DescribeTasks", new DescribeTasksRequest(s.Cluster, arns.Take(100).ToList()), EcsJson.Default.DescribeTasksRequest),
            EcsJson.Default.DescribeTasksAnswer, ct).ConfigureAwait(false)).Tasks ?? [];

    /// <summary>The newest revisions of a family, newest first.</summary>
    public async Task<IReadOnlyList<string>> ListRevisionsAsync(EcsSettings s, string family, int count, CancellationToken ct) =>
        (await aws.JsonAsync(Call(s, "ListTaskDefinitions", new ListTaskDefinitionsRequest(family, "DESC", Math.Clamp(count, 1, 100)), EcsJson.Default.ListTaskDefinitionsRequest),
            EcsJson.Default.ListTaskDefinitionsAnswer, ct).ConfigureAwait(false)).TaskDefinitionArns ?? [];

    /// <summary>Starts one task; never sent twice (a second would run the command again).</summary>
    public Task<DescribeTasksAnswer> RunTaskAsync(EcsSettings s, RunTaskRequest request, CancellationToken ct) =>
        aws.JsonAsync(Call(s, "RunTask", request, EcsJson.Default.RunTaskRequest) with { Retry = false }, EcsJson.Default.DescribeTasksAnswer, ct);

    public Task<DescribeTasksAnswer> StopTaskAsync(EcsSettings s, string task, string reason, CancellationToken ct) =>
        aws.JsonAsync(Call(s, "StopTask", new StopTaskRequest(s.Cluster, task, reason), EcsJson.Default.StopTaskRequest), EcsJson.Default.DescribeTasksAnswer, ct);

    private const string ContentType = "application/x-amz-json-1.1";

    private static AwsCall Call<T>(EcsSettings s, string name, T body, JsonTypeInfo<T> type) =>
        new(AwsService.Ecs, name, HttpMethod.Post, "", JsonSerializer.SerializeToUtf8Bytes(body, type), ContentType, Prefix + name, Region: s.Region);
}
