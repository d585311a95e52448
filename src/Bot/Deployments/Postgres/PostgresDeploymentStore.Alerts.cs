using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert a, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        InTransactionAsync(async db =>
        {
            // The same alert arriving at two replicas at once must become one: they take turns per app, env and key.
            await db.ExecAsync("SELECT pg_advisory_xact_lock(hashtextextended(@app || chr(31) || COALESCE(@env, '') || chr(31) || @key, 0))",
                cancellationToken, ("app", a.App), ("env", a.Env), ("key", a.DedupeKey)).ConfigureAwait(false);
            return await AlertSql.RecordAsync(db, a, window, muted, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken) =>
        AlertSql.ListAsync(Single, app, limit, cancellationToken);
}
