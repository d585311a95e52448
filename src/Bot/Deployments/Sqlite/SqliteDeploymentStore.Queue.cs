using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    // The one writer runs each enqueue whole before the next, so the lock check and the lock row cannot be raced.
    public Task<EnqueueResult> EnqueueAsync(NewDeployment d, CancellationToken cancellationToken) =>
        WriteAsync(async db => (await QueueSql.EnqueueAsync(db, d, cancellationToken).ConfigureAwait(false)).Result, cancellationToken);

    public Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.ClaimAsync(db, owner, now, lease, deploymentId, cancellationToken), cancellationToken);

    public Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.RenewAsync(db, jobId, owner, until, cancellationToken), cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken) =>
        WriteAsync(db => QueueSql.RecoverAsync(db, now, ownerIsGone, onlyPlatform, cancellationToken), cancellationToken);

    public Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => EndSql.FinishAsync(db, id, state, message, release, url, at, cancellationToken), cancellationToken);

    public Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => EndSql.RequestCancelAsync(db, id, at, cancellationToken), cancellationToken);
}
