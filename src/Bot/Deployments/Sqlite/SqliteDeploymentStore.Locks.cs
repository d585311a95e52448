using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) =>
        WriteAsync(db => LockSql.TakeAsync(db, wanted, cancellationToken), cancellationToken);

    public Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        WriteAsync(db => LockSql.FreeAsync(db, app, env, kind, cancellationToken), cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken) =>
        ReadAsync(db => LockSql.ListAsync(db, app, cancellationToken), cancellationToken);
}
