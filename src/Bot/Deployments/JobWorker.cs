using Bot.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments;

/// <summary>
/// Claims queued jobs and runs them, several at a time (one per app/env is guaranteed by the locks).
/// Wakes on <see cref="JobSignal"/>; holds a lease on each running job and renews it, picking up
/// cancels requested from other processes. On start, jobs a dead process was running are marked interrupted.
/// </summary>
public sealed class JobWorker(
    IDeploymentStore store,
    DeploymentRunner runner,
    JobSignal signal,
    RunningJobs running,
    WorkerIdentity identity,
    WorkerOptions options,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly List<Task> _active = [];

    /// <summary>
    /// Marks abandoned jobs interrupted and tells their conversations, then runs the put-back recovery queued for those
    /// that were going live (here, holding their locks; in <paramref name="runIn"/> when given); returns how many.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken, List<Task>? runIn = null)
    {
        var now = time.GetUtcNow();
        var interrupted = await store.RecoverAsync(now, identity.IsGone, options.RecoversOnlyFrom, cancellationToken).ConfigureAwait(false);
        foreach (var d in interrupted)
        {
            logger.MarkedInterrupted(d.App, d.Number);
            runner.PublishState(await runner.CleanUpAsync(d, cancellationToken).ConfigureAwait(false));
        }
        foreach (var d in await store.ExpireApprovalsAsync(now, options.RecoversOnlyFrom, cancellationToken).ConfigureAwait(false))
        {
            logger.ApprovalExpired(d.App, d.Number);
            runner.PublishState(d);
        }
        foreach (var d in interrupted)
        {
            // Its only queued job now is the put-back, if it was going live; another worker may have taken it already.
            if (await store.ClaimAsync(identity.Id, time.GetUtcNow(), options.Lease, d.Id, cancellationToken).ConfigureAwait(false) is not { } job) continue;
            var putBack = RunJobAsync(job, cancellationToken);
            if (runIn is null) await putBack.ConfigureAwait(false);
            else runIn.Add(putBack);
        }
        return interrupted.Count;
    }

    /// <summary>Claims and runs the job of one deployment here (the console's <c>send</c>); null if another worker has it.</summary>
    public async Task<Deployment?> RunOneAsync(long deploymentId, CancellationToken stopping)
    {
        var job = await store.ClaimAsync(identity.Id, time.GetUtcNow(), options.Lease, deploymentId, stopping).ConfigureAwait(false);
        return job is null ? null : await RunJobAsync(job, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// Recovers abandoned work, then claims and runs queued jobs until none are left (<c>worker --drain</c>: a worker
    /// that a Lambda invocation or a schedule starts); returns how many jobs it ran.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var ran = 0;
        var active = new List<Task>();
        await RecoverAsync(cancellationToken, active).ConfigureAwait(false);
        while (true)
        {
            // A finished job can free the lock another queued one waits for, so claim again after each.
            while (active.Count < options.MaxConcurrentJobs
                   && await store.ClaimAsync(identity.Id, time.GetUtcNow(), options.Lease, null, cancellationToken).ConfigureAwait(false) is { } job)
            {
                active.Add(RunJobAsync(job, cancellationToken));
                ran++;
            }
            if (active.Count == 0) return ran;
            active.Remove(await Task.WhenAny(active).ConfigureAwait(false));
        }
    }

    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the worker has made its first pass over the store and waits for work, or has stopped (tests start from there).</summary>
    public Task FirstPassDone => _firstPass.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await WorkAsync(stoppingToken).ConfigureAwait(false); }
        finally { _firstPass.TrySetResult(); }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken, _active).ConfigureAwait(false);
        var lastSweep = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            _active.RemoveAll(t => t.IsCompleted);
            try
            {
                while (_active.Count < options.MaxConcurrentJobs
                       && await store.ClaimAsync(identity.Id, time.GetUtcNow(), options.Lease, null, stoppingToken).ConfigureAwait(false) is { } job)
                    _active.Add(RunJobAsync(job, stoppingToken));
                if (time.GetElapsedTime(lastSweep) >= options.IdleCheck)
                {
                    await RecoverAsync(stoppingToken, _active).ConfigureAwait(false);
                    lastSweep = time.GetTimestamp();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "The job worker could not reach the store; trying again");
            }
            _firstPass.TrySetResult();
            await signal.WaitAsync(options.IdleCheck, stoppingToken).ConfigureAwait(false);
        }
        await Task.WhenAll(_active).ConfigureAwait(false);
    }

    private async Task<Deployment?> RunJobAsync(Job job, CancellationToken stopping)
    {
        logger.JobClaimed(job.Id, job.Kind, job.DeploymentId);
        if (job.DeploymentId is not { } deploymentId)
        {
            logger.LogWarning("Job {Job} of kind {Kind} has no handler; ending it", job.Id, job.Kind);
            return null;
        }
        var cancel = running.Add(deploymentId);
        using var renewing = new CancellationTokenSource();
        var renewal = RenewLeaseAsync(job, cancel, renewing.Token);
        try
        {
            return job.Kind == StoreNames.PutBackJob
                ? await runner.PutBackAsync(deploymentId, job.Payload ?? "").ConfigureAwait(false)
                : await runner.RunAsync(deploymentId, cancel.Token, stopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} could not be finished; it will be marked interrupted when its lease runs out", job.Id);
            return null;
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            running.Remove(deploymentId);
            signal.Pulse();
        }
    }

    private async Task RenewLeaseAsync(Job job, CancellationTokenSource cancel, CancellationToken done)
    {
        try
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(options.RenewEvery, time, done).ConfigureAwait(false);
                var state = await store.RenewAsync(job.Id, identity.Id, time.GetUtcNow() + options.Lease, done).ConfigureAwait(false);
                if (state != LeaseState.Held)
                {
                    if (state == LeaseState.Lost) logger.LogWarning("Lost the lease on job {Job}; stopping it", job.Id);
                    await cancel.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) { /* the job ended */ }
        catch (Exception e)
        {
            logger.LogWarning(e, "Renewing the lease on job {Job} failed", job.Id);
        }
    }
}
