namespace Bot.Deployments;

/// <summary>
/// Everything that must survive a restart: deployments and their events, locks, the job queue,
/// the audit log, processed webhook deliveries and small per-platform notes (message ids of cards).
/// </summary>
public interface IDeploymentStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Creates a queued deployment, its job and its app/env lock in one step, or says who holds it.</summary>
    Task<EnqueueResult> EnqueueAsync(NewDeployment deployment, CancellationToken cancellationToken);

    /// <summary>Takes the oldest queued job (or the one of <paramref name="deploymentId"/>) under a lease; its deployment becomes running.</summary>
    Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken);

    Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Marks running jobs whose owner is gone (<paramref name="ownerIsGone"/>) or whose lease ran out, and queued
    /// jobs kept for a process that is gone (<see cref="NewDeployment.RunBy"/>), as interrupted, with their
    /// deployments, and frees their locks. Returns the deployments so marked.
    /// </summary>
    /// <remarks>
    /// A deployment that had started going live (<see cref="MarkGoingLiveAsync"/>) keeps its lock, now held by a queued
    /// <c>putback</c> job that names the release to put back, so nothing else deploys there until it is back.
    /// </remarks>
    /// <param name="onlyPlatform">Only deployments asked for on this platform (the console recovers only console work).</param>
    Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken);

    /// <summary>
    /// Notes on the running job of a deployment that it has started changing what serves, and what to put back if it
    /// does not succeed (<paramref name="putBack"/>; empty when nothing served before).
    /// </summary>
    Task MarkGoingLiveAsync(long deploymentId, string putBack, CancellationToken cancellationToken);

    /// <summary>Ends the <c>putback</c> job of a deployment: its message becomes <paramref name="message"/> and its app/env lock is freed.</summary>
    Task<Deployment> FinishPutBackAsync(long deploymentId, string message, DateTimeOffset at, CancellationToken cancellationToken);

    Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken);

    Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken);

    /// <summary>Newest first. <paramref name="app"/>/<paramref name="env"/> null means all.</summary>
    Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken);

    /// <summary>Succeeded releases of an app/env (one-off tasks left out), newest first: the first is what is live.</summary>
    Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Finished releases of code (deploys, rollbacks, promotions that started) of <paramref name="env"/>, of one app or
    /// all (<paramref name="app"/> null), that ended at or after <paramref name="since"/>, plus each app's last good one
    /// before it; oldest first. What the DORA figures are computed from.
    /// </summary>
    Task<IReadOnlyList<Stats.ReleaseRecord>> ReleasesSinceAsync(string? app, string env, DateTimeOffset since, CancellationToken cancellationToken);

    Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken);

    Task<StoryLine> AppendEventAsync(long deploymentId, LineKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoryLine>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The state lines of all deployments recorded after <paramref name="afterSeq"/> and up to <paramref name="upToSeq"/>,
    /// oldest first, at most <paramref name="limit"/>, each with its deployment as it is now (what deploy events send on).
    /// </summary>
    Task<IReadOnlyList<FeedItem>> StateChangesAsync(long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The <c>seq</c> of the newest event of any deployment; 0 when there is none.</summary>
    Task<long> LastSeqAsync(CancellationToken cancellationToken);

    /// <summary>The last <paramref name="count"/> output lines of a deployment, oldest first.</summary>
    Task<IReadOnlyList<StoryLine>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken);

    /// <summary>Ends a deployment and its job, and frees its app/env lock, in one step.</summary>
    Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken);

    Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Takes a manual lock or a freeze; returns the lock that already stands if there is one.</summary>
    Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken);

    Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken);

    Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken);

    Task AuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken);

    /// <summary>Oldest first: the entries at or after <paramref name="since"/> (of <paramref name="app"/>, when given), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditSinceAsync(DateTimeOffset since, string? app, int limit, CancellationToken cancellationToken);

    /// <summary>Records a webhook delivery id; false when it was seen before (a retry or redelivery).</summary>
    Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the audit entry of a delivery whose command changes nothing, as that delivery's de-duplication record too
    /// (one row instead of two); false, and nothing written, when an entry for the delivery is already there (a retry).
    /// </summary>
    Task<bool> TryAuditDeliveryAsync(string source, string deliveryId, AuditEntry entry, CancellationToken cancellationToken);

    Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a note only if it is not there yet, or still says <paramref name="replacing"/> (a compare-and-set, so of
    /// several processes exactly one wins); returns what the note says afterwards: <paramref name="value"/> when this won.
    /// </summary>
    Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records an alert: one more of the open alert with the same app and dedupe key seen within
    /// <paramref name="window"/>, its resolution, or a new one (a resolution with nothing open is kept as it is).
    /// </summary>
    Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert alert, TimeSpan window, bool muted, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken);

    Task<StoredAlert?> AlertAsync(long id, CancellationToken cancellationToken);

    /// <summary>The notes of <paramref name="scope"/> written since <paramref name="since"/> that do not say <paramref name="except"/>, oldest first.</summary>
    Task<IReadOnlyList<(string Key, string Value)>> NotesAsync(string scope, string except, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Records one person's approval or rejection of a deployment awaiting approval, once per person. The last approval
    /// needed queues it (its job becomes claimable by any worker); a rejection ends it <see cref="DeploymentState.Rejected"/>.
    /// </summary>
    Task<ApprovalOutcome> VoteAsync(long deploymentId, ApprovalVote vote, CancellationToken cancellationToken);

    /// <summary>The approval request of a deployment and its answers; null when it never needed approval.</summary>
    Task<ApprovalStatus?> ApprovalAsync(long deploymentId, CancellationToken cancellationToken);

    /// <summary>Ends deployments still awaiting approval whose time ran out (<see cref="DeploymentState.Expired"/>) and frees their locks.</summary>
    /// <param name="onlyPlatform">Only deployments asked for on this platform, as in <see cref="RecoverAsync"/>.</param>
    Task<IReadOnlyList<Deployment>> ExpireApprovalsAsync(DateTimeOffset now, string? onlyPlatform, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the gates of other processes that the CI results of <paramref name="sha"/> changed (a check webhook reached
    /// this one), so the deployment waiting for them elsewhere moves on at once. Nothing to do with one process (SQLite).
    /// </summary>
    Task AnnounceChecksAsync(string sha, CancellationToken cancellationToken);

    /// <summary>Deployments that wait without the lock (<see cref="DeploymentState.Waiting"/>), oldest first.</summary>
    Task<IReadOnlyList<Deployment>> WaitingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Lets a waiting deployment go: takes its app/env lock and queues it (or, with <paramref name="approval"/>, makes it
    /// await approval), as one step. Returns who holds the app/env when it cannot go yet, and null when it no longer waits.
    /// </summary>
    Task<EnqueueResult?> ReleaseWaitingAsync(long id, ApprovalRule? approval, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// One short step of <c>Retention:Output</c>: removes at most <paramref name="maxLines"/> output, step and notice lines of
    /// deployments that finished before <paramref name="finishedBefore"/>, oldest first, keeping their state lines and rows.
    /// A deployment whose lines are all gone is marked removed at <paramref name="now"/> under <paramref name="setting"/>.
    /// </summary>
    Task<PruneResult> PruneOutputAsync(DateTimeOffset finishedBefore, string setting, DateTimeOffset now, int maxLines, CancellationToken cancellationToken);

    /// <summary>Removes at most <paramref name="maxRows"/> of the oldest audit entries from before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAuditAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up to <paramref name="maxPages"/> free pages back to the file system (SQLite's incremental vacuum) and returns
    /// how many; PostgreSQL's autovacuum keeps freed space for reuse by itself, so there it does nothing.
    /// </summary>
    Task<long> ReclaimSpaceAsync(int maxPages, CancellationToken cancellationToken);

    /// <summary>Rows and sizes per table (<c>bot store stats</c>).</summary>
    Task<StoreStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Ends a deployment where it waits (superseded, its checks failed or never finished); null when it no longer waits.</summary>
    Task<Deployment?> EndWaitingAsync(long id, DeploymentState state, string message, DateTimeOffset at, CancellationToken cancellationToken);
}
