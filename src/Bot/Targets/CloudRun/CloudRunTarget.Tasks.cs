using System.Runtime.CompilerServices;
using System.Text;
using Bot.Text;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Tasks: <c>run site migrate</c> runs an execution of the Cloud Run job <c>CloudRun:Jobs:migrate</c> names, follows it to its
/// end with its log lines from Cloud Logging, and cancels it when the task is cancelled. A task's <c>Command</c>, when it
/// has one, is split into words that replace the container's arguments for this execution (the image's entrypoint, or the
/// job's <c>command</c>, stays); a task without one runs the job as it is. An explicit <c>Timeout</c> becomes the
/// execution's task timeout.
/// </summary>
public sealed partial class CloudRunTarget : IRunsTasks
{
    public string StoppedNote => "its Cloud Run execution was cancelled.";

    public IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, CancellationToken cancellationToken) =>
        RunTaskCoreAsync(request, cancellationToken).ExplainedBy((GoogleApiException e) => e.Status == 404 && e.Call.EndsWith(":run", StringComparison.Ordinal)
            ? new DeployFailedException($"Cloud Run has no job {CloudRunNames.Short(e.Call[..^4])} ({e.Reason}).",
                $"Create it (`gcloud run jobs create`), or set `{request.App.KeyOf("CloudRun:Jobs:" + request.Task.Name)}` to the job that runs {request.Task.Name}.")
            : Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> RunTaskCoreAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = CloudRunSettings.Read(request.App);
        var task = request.Task;
        var job = s.JobName(task.Name)
            ?? throw new DeployFailedException($"No Cloud Run job is named for task {task.Name}.", $"Set `{request.App.KeyOf("CloudRun:Jobs:" + task.Name)}` to the job that runs it.");
        var explicitTimeout = task.Section?["Timeout"] is { Length: > 0 };
        var overrides = task.Command is null && !explicitTimeout ? null : new RunJobOverrides(
            task.Command is { } command ? [new RunContainerOverride(Args(command))] : null,
            explicitTimeout ? $"{(long)task.Timeout.TotalSeconds}s" : null);

        yield return new StepStarted(task.Name);
        var started = time.GetTimestamp();
        // Not on the task's token: a cancel while the execution is being started must still learn its name, to cancel it.
        string execution;
        using (var starting = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            execution = await StartExecutionAsync(job, new RunJobRequest(overrides), starting.Token).ConfigureAwait(false);
        var follow = new ExecutionLog();
        var ended = false;
        RunExecution state;
        try
        {
            yield return new Notice($"Cloud Run job {CloudRunNames.Short(job)}: execution {CloudRunNames.Short(execution)} started" +
                                    (task.Command is null ? "." : $" with args {string.Join(' ', Args(task.Command))}."));
            DateTimeOffset? endSeen = null;
            for (var look = 0; ; look++)
            {
                ct.ThrowIfCancellationRequested();
                state = await run.GetExecutionAsync(execution, ct).ConfigureAwait(false);
                if (state.CompletionTime is not null) endSeen ??= time.GetUtcNow();
                foreach (var line in await follow.ReadAsync(logging, s.Project, execution, ct).ConfigureAwait(false))
                    yield return line;
                // Cloud Logging shows lines seconds late: after the end they are read for a while yet, until one written at or
                // after it is in (all before it are then), or for CloudLoggingApi.Patience.
                if (endSeen is { } seen && (follow.Reached(state.CompletionTime!.Value) || time.GetUtcNow() - seen >= CloudLoggingApi.Patience))
                {
                    if (follow.Tail.Count == 0 && !follow.Refused)
                        yield return new Notice($"None of the execution's log lines had reached Cloud Logging {Format.Duration(CloudLoggingApi.Patience)} after it ended" +
                                                (state.LogUri is { } uri ? $"; its log: {uri}" : "."), IsWarning: true);
                    break;
                }
                await Task.Delay(options.Pause(endSeen is null ? look : 0), time, ct).ConfigureAwait(false);
            }
            ended = true;
        }
        finally
        {
            // Cancelled, or let go by the runner: an execution nobody follows would still run its migration to the end.
            if (!ended) await CancelExecutionAsync(execution).ConfigureAwait(false);
        }

        var succeeded = state.SucceededCount ?? 0;
        var tasks = state.TaskCount ?? succeeded;
        if (succeeded == tasks && state.FailedCount is null or 0 && state.CancelledCount is null or 0 && state.Completed?.Failed != true)
        {
            yield return new StepFinished(task.Name, time.GetElapsedTime(started));
            yield return new Notice($"{task.Name} finished: {Counted(succeeded, "task")} succeeded.");
            yield break;
        }
        var why = state.Completed?.Message ?? (state.CancelledCount > 0 ? "it was cancelled" : "Cloud Run gave no reason");
        var tail = follow.Tail;
        throw new DeployFailedException(
            $"{task.Name} failed on Cloud Run: {why.TrimEnd('.')} ({Counted(state.FailedCount ?? 0, "task")} failed, {state.CancelledCount ?? 0} cancelled, {succeeded} succeeded)." +
            (tail.Count > 0 ? " Last lines: " + string.Join(" · ", tail.Select(l => $"\"{l}\"")) + "." : ""),
            (state.LogUri is { } log ? $"Its log: {log}. " : "") + $"Fix it and type `run {request.App.App} {task.Name}` again.");
    }

    /// <summary>Runs the job and answers its execution's name, from the operation's metadata (looked at again until it says).</summary>
    private async Task<string> StartExecutionAsync(string job, RunJobRequest body, CancellationToken ct)
    {
        var operation = await run.RunJobAsync(job, body, ct).ConfigureAwait(false);
        for (var look = 0; operation.Metadata?.Name is not { Length: > 0 }; look++)
        {
            if (operation.Error is { } error)
                throw new DeployFailedException($"Cloud Run did not start job {CloudRunNames.Short(job)}: {error.Message}", "Fix what it says, then run the task again.");
            if (operation.Done == true)
                throw new DeployFailedException($"Cloud Run ran job {CloudRunNames.Short(job)} but did not say which execution it started.", $"See the job's executions in the console.");
            await Task.Delay(options.Pause(look), time, ct).ConfigureAwait(false);
            operation = await run.GetOperationAsync(operation.Name!, ct).ConfigureAwait(false);
        }
        return operation.Metadata!.Name!;
    }

    private async Task CancelExecutionAsync(string name)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await run.CancelExecutionAsync(name, patience.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is GoogleApiException or OperationCanceledException or HttpRequestException) { /* its task timeout ends it */ }
    }

    private static string Counted(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";

    /// <summary>A command as a shell splits it into words: on spaces, with '…' and "…" keeping theirs together.</summary>
    internal static List<string> Args(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var (quote, any) = ('\0', false);
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '"' or '\'') (quote, any) = (c, true);
            else if (char.IsWhiteSpace(c))
            {
                if (any || word.Length > 0) words.Add(word.ToString());
                (word, any) = (new StringBuilder(), false);
            }
            else word.Append(c);
        }
        if (any || word.Length > 0) words.Add(word.ToString());
        return words;
    }
}
