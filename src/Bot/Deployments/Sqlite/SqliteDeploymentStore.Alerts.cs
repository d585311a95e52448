using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert a, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        WriteAsync(db => AlertSql.RecordAsync(db, a, window, muted, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => AlertSql.ListAsync(db, app, limit, cancellationToken), cancellationToken);
}
