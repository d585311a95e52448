using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets;

namespace Bot.Tests.Support;

/// <summary>
/// A target that does what the test says: by default it prints two lines and releases <c>r{number}</c>.
/// Set <see cref="Hold"/> to keep a deployment running until the test completes it (or it is cancelled).
/// </summary>
public sealed class FakeTarget : IDeployTarget, IRunsTasks
{
    /// <summary>The tasks run, in order; a task prints one line and exits 0.</summary>
    public List<TaskRequest> Tasks { get; } = [];

    public async IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Tasks) Tasks.Add(request);
        await Task.Yield();
        yield return new OutputLine($"running {request.Task.Name}");
        yield return new Notice($"{request.Task.Name} exited with status 0.");
    }

    public string Kind => "fake";

    public List<DeployRequest> Deploys { get; } = [];
    public List<RollbackRequest> Rollbacks { get; } = [];
    public TaskCompletionSource? Hold { get; set; }
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string? FailWith { get; set; }
    public bool WasCancelled { get; private set; }
    public List<string> Output { get; } = ["building", "done"];

    public void Validate(AppEnvConfig app) { }

    public async IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Deploys) Deploys.Add(request);
        await foreach (var e in RunAsync($"r{request.Number}", cancellationToken)) yield return e;
    }

    public async IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Rollbacks) Rollbacks.Add(request);
        await foreach (var e in RunAsync(request.Release ?? $"r{request.Number}", cancellationToken)) yield return e;
    }

    public Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new LogResult(Enumerable.Range(1, request.Lines).Select(i => $"line {i}").ToList()));

    private async IAsyncEnumerable<DeployEvent> RunAsync(string release, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new StepStarted("build");
        foreach (var line in Output) yield return new OutputLine(line);
        // Yielding hands each event to the runner, which persists and publishes it before asking for the next.
        Started.TrySetResult();
        if (Hold is { } hold)
        {
            try { await hold.Task.WaitAsync(cancellationToken); }
            catch (OperationCanceledException) { WasCancelled = true; throw; }
        }
        if (FailWith is { } failure) throw new DeployFailedException(failure, "Fix it and deploy again.");
        yield return new Released(release, $"https://{release}.example.test");
    }
}
