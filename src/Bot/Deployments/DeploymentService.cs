using System.Collections.Concurrent;

namespace Bot.Deployments;

/// <summary>
/// The engine's front door for commands: queue a deployment (refused while the app/env is held),
/// cancel one, take or drop locks. Work itself is done by <see cref="JobWorker"/>.
/// </summary>
public sealed class DeploymentService(
    IDeploymentStore store, DeploymentFeed feed, JobSignal signal, RunningJobs running, AppSnapshots snapshots,
    WorkerIdentity identity, WorkerOptions options, TimeProvider time, IEnumerable<IJobWaker> wakers)
{
    public IDeploymentStore Store => store;

    public AppSnapshots Snapshots => snapshots;

    public async Task<EnqueueResult> RequestAsync(NewDeployment request, CancellationToken cancellationToken)
    {
        // A refusal needs no write: answer it from the snapshot (the transaction below checks again anyway).
        var snapshot = await snapshots.GetAsync(request.App, [request.Env], cancellationToken).ConfigureAwait(false);
        if (snapshot.BlockerFor(request.Env, request.Origin.QualifiedUser) is { } busy)
            return busy;
        if (options.RunsOwnRequests) request = request with { RunBy = identity.Id };
        var result = await store.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        if (result is Enqueued queued)
        {
            // Tell listeners before waking the worker, so "queued" never arrives after "running".
            feed.Publish(new DeploymentUpdate(queued.Deployment, new DeploymentEvent(queued.Deployment.Id, 0, request.At, EventKind.State, "queued")));
            signal.Pulse();
            foreach (var waker in wakers) await waker.WakeAsync(cancellationToken).ConfigureAwait(false);
        }
        return result;
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
                    feed.Publish(new DeploymentUpdate(ended, new DeploymentEvent(ended.Id, 0, now, EventKind.State, "cancelled")));
                break;
            case CancelOutcome.Signalled:
                // Runs here: stop it now. Runs in another process: its lease renewal sees the flag.
                running.Cancel(deployment.Id);
                break;
        }
        return outcome;
    }
}

/// <summary>The jobs this process is running, so a cancel can reach them without waiting for a lease renewal.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _byDeployment = new();

    public int Count => _byDeployment.Count;

    public CancellationTokenSource Add(long deploymentId)
    {
        var cts = new CancellationTokenSource();
        _byDeployment[deploymentId] = cts;
        return cts;
    }

    public void Remove(long deploymentId)
    {
        if (_byDeployment.TryRemove(deploymentId, out var cts)) cts.Dispose();
    }

    public bool Cancel(long deploymentId)
    {
        if (!_byDeployment.TryGetValue(deploymentId, out var cts)) return false;
        try { cts.Cancel(); }
        catch (ObjectDisposedException) { return false; }
        return true;
    }
}
