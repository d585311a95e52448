using Bot.Configuration;

namespace Bot.Deployments;

/// <summary>
/// The engine's front door for commands: queue a deployment (refused while the app/env is held), cancel one,
/// plan a rollback, take or drop locks and freezes. Work itself is done by <see cref="JobWorker"/>.
/// </summary>
public sealed class DeploymentService(
    IDeploymentStore store, DeploymentFeed feed, JobSignal signal, RunningJobs running, AppSnapshots snapshots, RollbackPlanner rollbacks,
    WorkerIdentity identity, WorkerOptions options, TimeProvider time, IEnumerable<IJobWaker> wakers)
{
    public IDeploymentStore Store => store;

    public AppSnapshots Snapshots => snapshots;

    /// <inheritdoc cref="RollbackPlanner.PlanAsync"/>
    public Task<RollbackPlan> PlanRollbackAsync(AppEnvConfig env, string? named, CancellationToken cancellationToken) =>
        rollbacks.PlanAsync(env, named, cancellationToken);

    /// <summary>Takes the manual lock on an app/env for <paramref name="by"/>; returns the lock already held, if any (perhaps theirs).</summary>
    public Task<LockInfo?> LockAsync(string app, string env, Origin by, string? reason, CancellationToken cancellationToken) =>
        HoldAsync(new LockInfo(app, env, LockKind.Manual, by.QualifiedUser, by.UserName, reason, time.GetUtcNow(), null), cancellationToken);

    /// <summary>Drops the manual lock; returns the lock that was held, null when there was none.</summary>
    public Task<LockInfo?> UnlockAsync(string app, string env, CancellationToken cancellationToken) =>
        ReleaseAsync(app, env, LockKind.Manual, cancellationToken);

    /// <summary>Freezes every deploy (running ones finish); returns the freeze already in place, if any.</summary>
    public Task<LockInfo?> FreezeAsync(Origin by, string? reason, CancellationToken cancellationToken) =>
        HoldAsync(new LockInfo(LockInfo.All, LockInfo.All, LockKind.Freeze, by.QualifiedUser, by.UserName, reason, time.GetUtcNow(), null), cancellationToken);

    /// <summary>Lifts the freeze; returns it, null when deploys were not frozen.</summary>
    public Task<LockInfo?> UnfreezeAsync(CancellationToken cancellationToken) =>
        ReleaseAsync(LockInfo.All, LockInfo.All, LockKind.Freeze, cancellationToken);

    private async Task<LockInfo?> HoldAsync(LockInfo wanted, CancellationToken cancellationToken)
    {
        var held = await store.LockAsync(wanted, cancellationToken).ConfigureAwait(false);
        snapshots.Invalidate(wanted.App);
        return held;
    }

    private async Task<LockInfo?> ReleaseAsync(string app, string env, LockKind kind, CancellationToken cancellationToken)
    {
        var removed = await store.UnlockAsync(app, env, kind, cancellationToken).ConfigureAwait(false);
        snapshots.Invalidate(app);
        return removed;
    }

    public async Task<EnqueueResult> RequestAsync(NewDeployment request, CancellationToken cancellationToken)
    {
        // A refusal needs no write: answer it from the snapshot (the transaction below checks again anyway). A task that runs
        // beside whatever holds the app/env, or one that will wait for its turn, is not refused by a holder.
        var besides = request.Kind == DeploymentKind.Task && (!request.TakesLock || request.Waits);
        var snapshot = besides ? null : await snapshots.GetAsync(request.App, [request.Env], cancellationToken).ConfigureAwait(false);
        if (snapshot?.BlockerFor(request.Env, request.Origin.QualifiedUser) is { } busy)
            return busy;
        if (options.RunsOwnRequests) request = request with { RunBy = identity.Id };
        if (DeploymentTrace.Parent() is { } parent) request = request with { TraceParent = parent };
        var result = await store.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        if (result is Enqueued queued)
        {
            // Tell listeners before waking the worker, so "queued" never arrives after "running".
            feed.Publish(new FeedItem(queued.Deployment, StoryLine.StateOf(queued.Deployment, 0, request.At)));
            if (queued.Deployment.State == DeploymentState.AwaitingApproval) return result;
            signal.Pulse();
            foreach (var waker in wakers) await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Records an approval or rejection (<see cref="IDeploymentStore.VoteAsync"/>); one that queues the deployment wakes the workers.</summary>
    public async Task<ApprovalOutcome> VoteAsync(Deployment deployment, ApprovalVote vote, CancellationToken cancellationToken)
    {
        var outcome = await store.VoteAsync(deployment.Id, vote, cancellationToken).ConfigureAwait(false);
        if (outcome is VoteCounted { Deployment: var d })
        {
            feed.Publish(new FeedItem(d, StoryLine.StateOf(d, 0, vote.At)));
            if (d.State == DeploymentState.Queued)
            {
                signal.Pulse();
                foreach (var waker in wakers) await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return outcome;
    }

    public async Task<CancelOutcome> CancelAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcome = await store.RequestCancelAsync(deployment.Id, now, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CancelOutcome.CancelledWhileQueued:
                var ended = await store.GetAsync(deployment.Id, cancellationToken).ConfigureAwait(false);
                if (ended is not null)
                    feed.Publish(new FeedItem(ended, StoryLine.StateOf(ended, 0, now)));
                break;
            case CancelOutcome.Signalled:
                // Runs here: stop it now. Runs in another process: PostgreSQL's NOTIFY reaches it (its lease renewal, at worst).
                running.Cancel(deployment.Id);
                break;
        }
        return outcome;
    }

    /// <summary>How long a cancel's answer waits to say how the deployment ended (within Slack's 3 s to answer a command).</summary>
    public static readonly TimeSpan CancelAnswerWait = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The deployment once it has ended, or null if it still runs after <paramref name="within"/> (wall time: a bound on an
    /// answer, not a step of the deployment's own clock).
    /// </summary>
    public async Task<Deployment?> EndedWithinAsync(long deploymentId, TimeSpan within, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(within);
        try
        {
            await foreach (var update in feed.FollowAsync(deploymentId, long.MaxValue, limit.Token).ConfigureAwait(false))
                if (update.Deployment.IsFinished) return update.Deployment;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { /* still running */ }
        return null;
    }
}
