using System.Globalization;
using System.Runtime.CompilerServices;
using Bot.Text;

namespace Bot.Targets.Ecs;

/// <summary>
/// Following a rollout: every <see cref="EcsOptions.Poll"/> the service's new events and the deployment's counts go on the
/// card, and so does each task of the deployment that stopped (its reason, its containers' exit codes) at the first look
/// that sees it, long before the circuit breaker gives up. Done when the deployment is PRIMARY and COMPLETED; a FAILED
/// rollout or one ECS rolled back ends failed, and so does one still going after <c>Ecs:Timeout</c>.
/// </summary>
public sealed partial class EcsTarget
{
    /// <summary>What one rollout has shown so far, and which deployment it follows.</summary>
    private sealed class Rollout(EcsService before, TimeSpan limit, TimeProvider time)
    {
        public HashSet<string> Events { get; } = (before.Events ?? []).Select(e => e.Id ?? "").ToHashSet(StringComparer.Ordinal);
        public HashSet<string> Tasks { get; } = new(StringComparer.Ordinal);
        public string? Counts { get; set; }
        public string? FirstStopped { get; set; }
        public long Started { get; } = time.GetTimestamp();
        public TimeSpan Limit => limit;
        public string Wanted { get; private set; } = "";
        public string? DeploymentId { get; private set; }

        /// <summary>The deployment ECS made for <paramref name="wanted"/> (the PRIMARY one UpdateService answered with).</summary>
        public void Follow(EcsService updated, string wanted)
        {
            Wanted = EcsNames.Revision(wanted);
            DeploymentId = (updated.Deployments ?? []).FirstOrDefault(d => d.Status == "PRIMARY" && EcsNames.Revision(d.TaskDefinition) == Wanted)?.Id
                ?? updated.Primary?.Id;
        }
    }

    private async IAsyncEnumerable<DeployEvent> FollowAsync(EcsSettings s, string app, Rollout watch, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.Poll, time, ct).ConfigureAwait(false);
            var service = await ecs.DescribeServiceAsync(s, ct).ConfigureAwait(false);
            // ECS lists events newest first; the card tells them in the order they happened.
            foreach (var e in Enumerable.Reverse(service.Events ?? []).Where(e => e.Id is not null && watch.Events.Add(e.Id)))
                yield return new Notice(e.Message ?? "");
            var mine = (service.Deployments ?? []).FirstOrDefault(d => d.Id == watch.DeploymentId);
            if (mine is not null && Counts(mine) is var counts && counts != watch.Counts)
            {
                watch.Counts = counts;
                yield return new Notice(counts);
            }
            foreach (var stopped in await StoppedAsync(s, watch, ct).ConfigureAwait(false))
            {
                watch.FirstStopped ??= stopped;
                yield return new Notice(stopped, IsWarning: true);
            }

            if (mine is { Status: "PRIMARY", RolloutState: "COMPLETED" })
            {
                yield return new Notice($"{watch.Wanted} is PRIMARY and COMPLETED: {mine.RunningCount}/{mine.DesiredCount} tasks running.");
                yield break;
            }
            var primary = service.Primary;
            if (mine is null || mine.RolloutState == "FAILED" || mine.Status != "PRIMARY")
            {
                var reason = (mine?.RolloutStateReason ?? service.Events?.FirstOrDefault()?.Message ?? "no reason given").TrimEnd('.');
                var first = watch.FirstStopped is { } f ? $" First stopped task: {f}" : "";
                var serving = primary is null ? "" : $" Serving now: {Counts(primary)}.";
                throw EcsNames.Revision(primary?.TaskDefinition) is var now && primary is not null && now != watch.Wanted
                    ? new DeployFailedException($"ECS rolled back to revision {now}: {reason}.{serving}{first}",
                        $"`logs {app}` shows what the tasks printed; fix it and deploy again.")
                    : new DeployFailedException($"The rollout of {watch.Wanted} FAILED: {reason}.{serving}{first}",
                        $"`logs {app}` shows what the tasks printed; fix it and deploy again.");
            }
            if (time.GetElapsedTime(watch.Started) >= watch.Limit)
            {
                var last = service.Events?.FirstOrDefault()?.Message is { } m ? $" Last event: {m}" : "";
                throw new DeployFailedException(
                    $"{watch.Wanted} was still rolling out after {Format.Duration(watch.Limit)} ({watch.Counts ?? "no tasks yet"}).{last}",
                    $"`status {app}` and `logs {app}` show why it is stuck (`Ecs:Timeout` sets how long to wait).");
            }
        }
    }

    /// <summary>The deployment's tasks that stopped since the last look, each said once: why, and how its containers exited.</summary>
    private async Task<List<string>> StoppedAsync(EcsSettings s, Rollout watch, CancellationToken ct)
    {
        var arns = (await ecs.ListStoppedTasksAsync(s, ct).ConfigureAwait(false)).Where(a => !watch.Tasks.Contains(a)).ToList();
        var said = new List<string>();
        foreach (var task in (await ecs.DescribeTasksAsync(s, arns, ct).ConfigureAwait(false)).OrderBy(t => t.StoppedAt ?? double.MaxValue))
        {
            var ours = task.StartedBy is { } by && watch.DeploymentId is not null ? by == watch.DeploymentId : EcsNames.Revision(task.TaskDefinitionArn) == watch.Wanted;
            if (!ours) { watch.Tasks.Add(task.TaskArn); continue; }
            if (task.LastStatus != "STOPPED") continue; // its exit codes come once it has stopped: the next look
            watch.Tasks.Add(task.TaskArn);
            said.Add(Stopped(task));
        }
        return said;
    }

    /// <summary><c>Task 1a2b3c stopped: Essential container in task exited · web exited 1 (…)</c>.</summary>
    internal static string Stopped(EcsTask task)
    {
        var containers = (task.Containers ?? []).Where(c => c.ExitCode is not null || c.Reason is not null)
            .Select(c => $"{c.Name} " + (c.ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $"exited {code}") : "did not run") +
                         (c.Reason is { Length: > 0 } r ? $" ({r})" : ""));
        var id = task.Id.Length > 12 ? task.Id[..12] : task.Id;
        return $"Task {id} stopped: {task.StoppedReason ?? task.StopCode ?? "no reason given"}" +
               string.Concat(containers.Select(c => $" · {c}"));
    }

    private static string Counts(EcsDeployment d) =>
        string.Create(CultureInfo.InvariantCulture, $"{EcsNames.Revision(d.TaskDefinition)}: {d.RunningCount}/{d.DesiredCount} running, {d.PendingCount} pending") +
        (d.FailedTasks > 0 ? string.Create(CultureInfo.InvariantCulture, $", {d.FailedTasks} failed") : "") +
        $" · rollout {d.RolloutState ?? "?"}";
}
