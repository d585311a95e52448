using System.Globalization;
using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

/// <summary>
/// What several processes writing at once need beyond the shared steps: the advisory locks that order enqueues against
/// manual locks and freezes and alerts against their repeats, and the <c>NOTIFY</c> that wakes workers elsewhere.
/// </summary>
public sealed partial class PostgresDeploymentStore
{
    public override async Task<EnqueueResult> EnqueueAsync(NewDeployment deployment, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InTransactionAsync(db => TryEnqueueAsync(db, deployment, cancellationToken), cancellationToken).ConfigureAwait(false);
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
        // this transaction (and then finds its deploy lock), or is committed before the enqueue's check sees it.
        await db.ExecAsync($"SELECT pg_advisory_xact_lock_shared({LocksGate})", cancellationToken).ConfigureAwait(false);
        var (result, job) = await QueueSql.EnqueueAsync(db, d, cancellationToken).ConfigureAwait(false);
        // Delivered at commit, to every process listening (their workers wake and race to claim).
        if (result is Enqueued)
            await db.ExecAsync($"SELECT pg_notify('{JobsChannel}', @job)", cancellationToken, ("job", job.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return result;
    }

    /// <summary>Checks changed: the workers' gates hear it on the jobs channel (<see cref="ChecksPrefix"/> and the sha).</summary>
    public override async Task AnnounceChecksAsync(string sha, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var notify = new Npgsql.NpgsqlCommand($"SELECT pg_notify('{JobsChannel}', @payload)", connection);
        notify.Parameters.AddWithValue("payload", ChecksPrefix + sha);
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How a jobs-channel notification says that a commit's checks changed, not that a job was queued.</summary>
    public const string ChecksPrefix = "checks:";

    /// <summary>A waiting deployment let go takes its lock as an enqueue does, and wakes every worker when it is queued.</summary>
    public override async Task<EnqueueResult?> ReleaseWaitingAsync(long id, ApprovalRule? approval, DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InTransactionAsync(async db =>
                {
                    await db.ExecAsync($"SELECT pg_advisory_xact_lock_shared({LocksGate})", cancellationToken).ConfigureAwait(false);
                    var result = await WaitSql.ReleaseAsync(db, id, approval, at, cancellationToken).ConfigureAwait(false);
                    if (result is Enqueued { Deployment.State: DeploymentState.Queued })
                        await db.ExecAsync($"SELECT pg_notify('{JobsChannel}', @id)", cancellationToken, ("id", id.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
                    return result;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (LockTaken) when (attempt < MaxAttempts)
            {
                // Another deployment of this app/env took the lock first: the next attempt reads it and answers Blocked.
            }
        }
    }

    /// <summary>The approval that queues a deployment wakes every worker, as an enqueue does.</summary>
    public override Task<ApprovalOutcome> VoteAsync(long deploymentId, ApprovalVote vote, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            var outcome = await ApprovalSql.VoteAsync(db, deploymentId, vote, cancellationToken).ConfigureAwait(false);
            if (outcome is VoteCounted { Deployment.State: DeploymentState.Queued })
                await db.ExecAsync($"SELECT pg_notify('{JobsChannel}', @id)", cancellationToken, ("id", deploymentId.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
            return outcome;
        }, cancellationToken);

    /// <summary>A cancel of a running job is announced at commit, so the process running it stops it at once, not at its next lease renewal.</summary>
    public override Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            var outcome = await EndSql.RequestCancelAsync(db, id, at, cancellationToken).ConfigureAwait(false);
            if (outcome == CancelOutcome.Signalled)
                await db.ExecAsync($"SELECT pg_notify('{CancelsChannel}', @id)", cancellationToken, ("id", id.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
            return outcome;
        }, cancellationToken);

    public override Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            // Exclusive against every enqueue's shared hold: a freeze or manual lock and a deploy starting at the same
            // moment are ordered, so the deploy either sees the lock or holds its own before the lock is taken.
            await db.ExecAsync($"SELECT pg_advisory_xact_lock({LocksGate})", cancellationToken).ConfigureAwait(false);
            return await LockSql.TakeAsync(db, wanted, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public override Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert alert, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            // The same alert arriving at two replicas at once must become one: they take turns per app, env and key.
            await db.ExecAsync("SELECT pg_advisory_xact_lock(hashtextextended(@app || chr(31) || COALESCE(@env, '') || chr(31) || @key, 0))",
                cancellationToken, ("app", alert.App), ("env", alert.Env), ("key", alert.DedupeKey)).ConfigureAwait(false);
            return await AlertSql.RecordAsync(db, alert, window, muted, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
