using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            // Exclusive against every enqueue's shared hold: a freeze or manual lock and a deploy starting at the same
            // moment are ordered, so the deploy either sees the lock or holds its own before the lock is taken.
            await db.ExecAsync($"SELECT pg_advisory_xact_lock({LocksGate})", cancellationToken).ConfigureAwait(false);
            return await LockSql.TakeAsync(db, wanted, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        LockSql.FreeAsync(Single, app, env, kind, cancellationToken);

    public Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken) =>
        LockSql.ListAsync(Single, app, cancellationToken);
}
