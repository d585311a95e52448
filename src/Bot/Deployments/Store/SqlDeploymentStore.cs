namespace Bot.Deployments.Store;

/// <summary>
/// <see cref="IDeploymentStore"/> written once for both databases: each member is a shared step (the <c>*Sql</c>
/// classes beside this one) run the way it needs. A store says how it reads, how it writes one statement, and how it
/// writes several all or nothing; and it adds to the few steps where its database needs more (PostgreSQL's locks).
/// </summary>
public abstract class SqlDeploymentStore : IDeploymentStore
{
    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Runs statements that only read.</summary>
    private protected abstract Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs one statement that writes (and perhaps reads after it): the database applies it all or nothing by itself.</summary>
    private protected abstract Task<T> WriteOneAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs several statements all or nothing, with no other write of this app/env in between.</summary>
    private protected abstract Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken);

    public virtual Task<EnqueueResult> EnqueueAsync(NewDeployment deployment, CancellationToken cancellationToken) =>
        WriteAsync(async db => (await QueueSql.EnqueueAsync(db, deployment, cancellationToken).ConfigureAwait(false)).Result, cancellationToken);

    public Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.ClaimAsync(db, owner, now, lease, deploymentId, cancellationToken), cancellationToken);

    public Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteOneAsync(db => QueueSql.RenewAsync(db, jobId, owner, until, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.RecoverAsync(db, now, ownerIsGone, onlyPlatform, cancellationToken), cancellationToken);

    public Task MarkGoingLiveAsync(long deploymentId, string putBack, CancellationToken cancellationToken) =>
        WriteOneAsync(async db => { await QueueSql.MarkGoingLiveAsync(db, deploymentId, putBack, cancellationToken).ConfigureAwait(false); return 0; }, cancellationToken);

    public Task<Deployment> FinishPutBackAsync(long deploymentId, string message, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.FinishPutBackAsync(db, deploymentId, message, at, cancellationToken), cancellationToken);

    public Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => EndSql.FinishAsync(db, id, state, message, release, url, at, cancellationToken), cancellationToken);

    public virtual Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => EndSql.RequestCancelAsync(db, id, at, cancellationToken), cancellationToken);

    public Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.GetAsync(db, id, cancellationToken), cancellationToken);

    public Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.FindAsync(db, app, number, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.ListAsync(db, app, env, limit, activeOnly, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.SucceededAsync(db, app, env, limit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Stats.ReleaseRecord>> ReleasesSinceAsync(string? app, string env, DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadAsync(db => StatsSql.SinceAsync(db, app, env, since, cancellationToken), cancellationToken);

    public Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) =>
        WriteOneAsync(db => DeploymentSql.SetCommitAsync(db, id, gitRef, sha, subject, cancellationToken), cancellationToken);

    public Task<StoryLine> AppendEventAsync(long deploymentId, LineKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteOneAsync(db => EventSql.AppendAsync(db, deploymentId, kind, text, at, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoryLine>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => EventSql.AfterAsync(db, deploymentId, afterSeq, limit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<FeedItem>> StateChangesAsync(long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => StateSql.AfterAsync(db, afterSeq, upToSeq, limit, cancellationToken), cancellationToken);

    public Task<long> LastSeqAsync(CancellationToken cancellationToken) =>
        ReadAsync(db => StateSql.LastSeqAsync(db, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoryLine>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken) =>
        ReadAsync(db => EventSql.TailAsync(db, deploymentId, count, cancellationToken), cancellationToken);

    public virtual Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) =>
        WriteOneAsync(db => LockSql.TakeAsync(db, wanted, cancellationToken), cancellationToken);

    public Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        WriteOneAsync(db => LockSql.FreeAsync(db, app, env, kind, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken) =>
        ReadAsync(db => LockSql.ListAsync(db, app, cancellationToken), cancellationToken);

    public Task AuditAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        WriteOneAsync(db => AuditSql.AuditAsync(db, entry, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => AuditSql.LogAsync(db, app, limit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> AuditSinceAsync(DateTimeOffset since, string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => AuditSql.SinceAsync(db, since, app, limit, cancellationToken), cancellationToken);

    public async Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var added = await WriteOneAsync(db => AuditSql.RecordDeliveryAsync(db, source, deliveryId, at, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (added && AuditSql.TimeToPrune())
            await WriteOneAsync(db => AuditSql.PruneDeliveriesAsync(db, at, cancellationToken), cancellationToken).ConfigureAwait(false);
        return added;
    }

    public async Task<bool> TryAuditDeliveryAsync(string source, string deliveryId, AuditEntry entry, CancellationToken cancellationToken) =>
        await WriteOneAsync(db => AuditSql.AuditAsync(db, entry, cancellationToken, $"{source}:{deliveryId}"), cancellationToken).ConfigureAwait(false) > 0;

    public Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteOneAsync(db => NoteSql.SetAsync(db, scope, key, value, at, cancellationToken), cancellationToken);

    public Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteOneAsync(db => NoteSql.ClaimAsync(db, scope, key, value, replacing, at, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<(string Key, string Value)>> NotesAsync(string scope, string except, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => NoteSql.ListAsync(db, scope, except, since, limit, cancellationToken), cancellationToken);

    public Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken) =>
        ReadAsync(db => NoteSql.GetAsync(db, scope, key, cancellationToken), cancellationToken);

    public virtual Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert alert, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        WriteAsync(db => AlertSql.RecordAsync(db, alert, window, muted, cancellationToken), cancellationToken);

    public virtual Task<ApprovalOutcome> VoteAsync(long deploymentId, ApprovalVote vote, CancellationToken cancellationToken) =>
        WriteAsync(db => ApprovalSql.VoteAsync(db, deploymentId, vote, cancellationToken), cancellationToken);

    public Task<ApprovalStatus?> ApprovalAsync(long deploymentId, CancellationToken cancellationToken) =>
        ReadAsync(db => ApprovalSql.StatusAsync(db, deploymentId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> ExpireApprovalsAsync(DateTimeOffset now, string? onlyPlatform, CancellationToken cancellationToken) =>
        WriteAsync(db => ApprovalSql.ExpireAsync(db, now, onlyPlatform, cancellationToken), cancellationToken);

    public virtual Task AnnounceChecksAsync(string sha, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<Deployment>> WaitingAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => WaitSql.ListAsync(db, limit, cancellationToken), cancellationToken);

    public virtual Task<EnqueueResult?> ReleaseWaitingAsync(long id, ApprovalRule? approval, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => WaitSql.ReleaseAsync(db, id, approval, at, cancellationToken), cancellationToken);

    public Task<Deployment?> EndWaitingAsync(long id, DeploymentState state, string message, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => WaitSql.EndAsync(db, id, state, message, at, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => AlertSql.ListAsync(db, app, limit, cancellationToken), cancellationToken);

    public Task<StoredAlert?> AlertAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(db => AlertSql.GetAsync(db, id, cancellationToken), cancellationToken);

    public Task<PruneResult> PruneOutputAsync(DateTimeOffset finishedBefore, string setting, DateTimeOffset now, int maxLines, CancellationToken cancellationToken) =>
        WriteAsync(db => RetentionSql.OutputAsync(db, finishedBefore, setting, now, maxLines, cancellationToken), cancellationToken);

    public Task<int> PruneAuditAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken) =>
        WriteOneAsync(db => RetentionSql.AuditAsync(db, before, maxRows, cancellationToken), cancellationToken);

    public virtual Task<long> ReclaimSpaceAsync(int maxPages, CancellationToken cancellationToken) => Task.FromResult(0L);

    public abstract Task<StoreStats> StatsAsync(CancellationToken cancellationToken);
}
