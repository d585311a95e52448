using System.Globalization;
using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public async Task<EnqueueResult> EnqueueAsync(NewDeployment d, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InTransactionAsync(db => TryEnqueueAsync(db, d, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (LockTaken) when (attempt < MaxAttempts)
            {
                // Another request for this app/env committed first: the next attempt reads its lock and answers Blocked.
            }
        }
    }

    private static async Task<EnqueueResult> TryEnqueueAsync(StoreSession db, NewDeployment d, CancellationToken cancellationToken)
    {
        // Shared with other enqueues, exclusive against LockAsync: a freeze or manual lock taken at this moment waits for
        // this transaction (and then finds its deploy lock), or is committed before the check in EnqueueAsync sees it.
        await db.ExecAsync($"SELECT pg_advisory_xact_lock_shared({LocksGate})", cancellationToken).ConfigureAwait(false);
        var (result, job) = await QueueSql.EnqueueAsync(db, d, cancellationToken).ConfigureAwait(false);
        // Delivered at commit, to every process listening (their workers wake and race to claim).
        if (result is Enqueued)
            await db.ExecAsync($"SELECT pg_notify('{JobsChannel}', @job)", cancellationToken, ("job", job.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return result;
    }

    public Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken) =>
        InTransactionAsync(db => QueueSql.ClaimAsync(db, owner, now, lease, deploymentId, cancellationToken), cancellationToken);

    public Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken) =>
        QueueSql.RenewAsync(Single, jobId, owner, until, cancellationToken);

    public Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken) =>
        InTransactionAsync(db => QueueSql.RecoverAsync(db, now, ownerIsGone, onlyPlatform, cancellationToken), cancellationToken);

    public Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(db => EndSql.FinishAsync(db, id, state, message, release, url, at, cancellationToken), cancellationToken);

    public Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(db => EndSql.RequestCancelAsync(db, id, at, cancellationToken), cancellationToken);
}
