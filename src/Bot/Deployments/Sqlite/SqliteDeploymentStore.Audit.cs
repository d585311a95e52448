using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task AuditAsync(AuditEntry e, CancellationToken cancellationToken) =>
        WriteAsync(db => AuditSql.AuditAsync(db, e, cancellationToken), cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => AuditSql.LogAsync(db, app, limit, cancellationToken), cancellationToken);

    public async Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var added = await WriteAsync(db => AuditSql.RecordDeliveryAsync(db, source, deliveryId, at, cancellationToken), cancellationToken, singleStatement: true).ConfigureAwait(false);
        // Queued after this write and not waited for: the caller has its answer already.
        if (added && AuditSql.TimeToPrune())
            _ = WriteAsync(db => AuditSql.PruneDeliveriesAsync(db, at, CancellationToken.None), CancellationToken.None, singleStatement: true);
        return added;
    }
}
