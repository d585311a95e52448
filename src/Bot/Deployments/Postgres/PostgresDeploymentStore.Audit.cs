using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task AuditAsync(AuditEntry e, CancellationToken cancellationToken) => AuditSql.AuditAsync(Single, e, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken) =>
        AuditSql.LogAsync(Single, app, limit, cancellationToken);

    public async Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var added = await AuditSql.RecordDeliveryAsync(Single, source, deliveryId, at, cancellationToken).ConfigureAwait(false);
        if (added && AuditSql.TimeToPrune())
            await AuditSql.PruneDeliveriesAsync(Single, at, cancellationToken).ConfigureAwait(false);
        return added;
    }
}
