using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bot.Targets.Lambda;
using Bot.Text;

namespace Bot.Targets.Ecs;

/// <summary>
/// <c>run web migrate</c>: RunTask of the revision the service runs, placed as its tasks are (network configuration, launch
/// type or capacity providers), the task's <c>Command</c> as the container's command (<c>sh -c …</c>). The task is looked
/// at until it stops; its log lines (its own awslogs stream) and its exit code end it. A cancelled or timed-out task is stopped.
/// </summary>
public sealed partial class EcsTarget : IRunsTasks
{
    public IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, CancellationToken cancellationToken) =>
        RunTaskCoreAsync(request, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> RunTaskCoreAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (app, task, s) = (request.App, request.Task, EcsSettings.Read(request.App));
        var command = task.Command ?? throw new DeployFailedException($"Task {task.Name} of {app.App} has no `Command`.", $"Set `{task.KeyPath}:Command`.");
        var service = await ecs.DescribeServiceAsync(s, ct).ConfigureAwait(false);
        var td = await ecs.DescribeTaskDefinitionAsync(s, service.TaskDefinition!, ct).ConfigureAwait(false);
        var container = Container(app, s, td.TaskDefinition);
        var name = (string)container["name"]!;
        var revision = EcsNames.Revision(service.TaskDefinition);
        yield return new StepStarted(task.Name);
        var started = time.GetTimestamp();
        var run = await ecs.RunTaskAsync(s, new RunTaskRequest(s.Cluster, service.TaskDefinition!, new TaskOverride([new ContainerOverride(name, ["sh", "-c", command])]),
            $"deploybot/{app.App}", service.NetworkConfiguration, service.CapacityProviderStrategy is { Count: > 0 } ? null : service.LaunchType,
            service.CapacityProviderStrategy is { Count: > 0 } cps ? cps : null, service.PlatformVersion), ct).ConfigureAwait(false);
        if (run.Tasks?.FirstOrDefault() is not { } one)
            throw new DeployFailedException($"ECS did not start {task.Name}: {run.Failures?.FirstOrDefault()?.Reason ?? "no reason given"}.",
                $"`status {app.App}` shows the service; fix what it says and `run {app.App} {task.Name}` again.");
        yield return new Notice($"Task {one.Id} of {revision} started: `{command}` in container {name}.");

        var stop = true;
        EcsTask now = one;
        try
        {
            var said = now.LastStatus;
            while (now.LastStatus != "STOPPED")
            {
                if (time.GetElapsedTime(started) >= task.Timeout)
                    throw new DeployFailedException($"{task.Name} was still running after {Format.Duration(task.Timeout)}; it was stopped.",
                        $"Raise `{task.KeyPath}:Timeout` if it needs longer.");
                await Task.Delay(options.Poll, time, ct).ConfigureAwait(false);
                now = (await ecs.DescribeTasksAsync(s, [one.TaskArn], ct).ConfigureAwait(false)).FirstOrDefault() ?? now;
                if (now.LastStatus != said && now.LastStatus is not "STOPPED") yield return new Notice($"{one.Id}: {now.LastStatus}.");
                said = now.LastStatus;
            }
            stop = false;
        }
        finally
        {
            if (stop) await StopQuietlyAsync(s, one.TaskArn).ConfigureAwait(false);
        }

        foreach (var line in await TaskLinesAsync(s, container, name, one.Id, ct).ConfigureAwait(false))
            yield return new OutputLine(line);
        var exit = now.Containers?.FirstOrDefault(c => c.Name == name);
        var elapsed = time.GetElapsedTime(started);
        if (exit?.ExitCode is not 0)
            throw new DeployFailedException($"{task.Name} failed: {Stopped(now)}.", $"Its log lines are above; fix it, then `run {app.App} {task.Name}` again.");
        yield return new StepFinished(task.Name, elapsed);
        yield return new Notice($"{task.Name} exited 0 after {Format.Duration(elapsed)}.");
    }

    /// <summary>Stops a task the bot gave up on, even when its own token has fired; a failure to stop is left to ECS.</summary>
    private async Task StopQuietlyAsync(EcsSettings s, string arn)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
        try { await ecs.StopTaskAsync(s, arn, "Stopped by Deploybot (cancelled or timed out)", patience.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is AwsApiException or OperationCanceledException or HttpRequestException) { /* ECS ends it at its own time */ }
    }

    /// <summary>The task's own awslogs stream (<c>prefix/container/task-id</c>), oldest first; none when it does not log there.</summary>
    private async Task<IReadOnlyList<string>> TaskLinesAsync(EcsSettings s, JsonObject container, string name, string taskId, CancellationToken ct)
    {
        var log = container["logConfiguration"] as JsonObject;
        if ((string?)log?["logDriver"] != "awslogs" || log["options"] is not JsonObject o || (string?)o["awslogs-group"] is not { } group
            || (string?)o["awslogs-stream-prefix"] is not { Length: > 0 } prefix) return [];
        try
        {
            var page = await cloudWatch.FilterLogEventsAsync(group, null, null, null, 1000, ct, $"{prefix}/{name}/{taskId}", (string?)o["awslogs-region"] ?? s.Region).ConfigureAwait(false);
            return (page.Events ?? []).Select(e => (e.Message ?? "").TrimEnd()).Where(l => l.Length > 0).ToList();
        }
        catch (AwsApiException) { return []; }
    }
}
