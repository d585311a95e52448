using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets;

namespace Bot.Tests.Support;

/// <summary>
/// A target (kind <c>live</c>) that changes what serves the way a real one does: build, then <see cref="GoingLive"/>,
/// then <c>deploy</c> (from here <see cref="Serving"/> is the new release) and <c>health</c>. It can be held before or
/// after going live, fail, and have its put-back held or fail.
/// </summary>
public sealed class LiveTarget : IDeployTarget, IPutsBack
{
    public string Kind => "live";

    /// <summary>The release that serves now, as the world would see it.</summary>
    public string? Serving { get; set; }
    public List<string> PutBacks { get; } = [];
    public TaskCompletionSource? HoldBuild { get; set; }
    public TaskCompletionSource? HoldHealth { get; set; }
    public TaskCompletionSource? HoldPutBack { get; set; }
    public TaskCompletionSource Waiting { get; private set; } = New();
    public string? FailWith { get; set; }
    public string? PutBackFails { get; set; }

    /// <summary>Fails after <see cref="GoingLive"/> but before the new release serves (a release phase that fails).</summary>
    public string? FailBeforeServing { get; set; }

    /// <summary>Whether its put-back checks the release's health (a shell app with no <c>Health</c> command does not).</summary>
    public bool PutBackChecks { get; set; } = true;

    public void Validate(AppEnvConfig app) { }

    public IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken) =>
        GoLiveAsync($"r{request.Number}", cancellationToken);

    public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) =>
        GoLiveAsync(request.Release ?? $"r{request.Number}", cancellationToken);

    public async IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (PutBacks) PutBacks.Add(release);
        if (Serving == release)
        {
            yield return new Notice($"{release} never stopped serving.");
            yield return PutBackEnded.NothingToUndo;
            yield break;
        }
        yield return new StepStarted("restore");
        await HoldAsync(HoldPutBack, CancellationToken.None);
        if (PutBackFails is { } failure) throw new DeployFailedException(failure);
        Serving = release;
        yield return new Notice($"{release} serves again.");
        yield return PutBackEnded.Restored(PutBackChecks);
    }

    public Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new LogResult([]));

    /// <summary>A fresh signal for the next time the target reaches a hold.</summary>
    public void Rearm() => Waiting = New();

    private async IAsyncEnumerable<DeployEvent> GoLiveAsync(string release, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new StepStarted("build");
        await HoldAsync(HoldBuild, cancellationToken);
        yield return new GoingLive(Serving);
        if (FailBeforeServing is { } early) throw new DeployFailedException(early, "Fix it and deploy again.");
        yield return new StepStarted("deploy");
        Serving = release;
        yield return new StepStarted("health");
        await HoldAsync(HoldHealth, cancellationToken);
        if (FailWith is { } failure) throw new DeployFailedException(failure, "Fix it and deploy again.");
        yield return new Released(release, null);
    }

    private async Task HoldAsync(TaskCompletionSource? hold, CancellationToken cancellationToken)
    {
        if (hold is null) return;
        Waiting.TrySetResult();
        await hold.Task.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
