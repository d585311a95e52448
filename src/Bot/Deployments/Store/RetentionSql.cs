using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>
/// Removing what <c>Retention</c> no longer keeps, a few hundred rows per step: the output, step and notice lines of
/// deployments that finished before a cutoff (their state lines and their row stay), and old audit entries.
/// </summary>
internal static class RetentionSql
{
    /// <summary>Deployments a step looks at, at most: one that had no output costs a look and removes nothing.</summary>
    private const int MaxDeployments = 200;

    // The partial index deployments_unpruned holds exactly the finished deployments not yet pruned.
    internal const string Next = $"""
        SELECT id FROM deployments
        WHERE output_removed_at IS NULL AND finished_at IS NOT NULL AND finished_at < @cutoff AND state NOT IN {ActiveStates}
        ORDER BY finished_at LIMIT 1
        """;

    private static readonly string RemoveLines = $"""
        DELETE FROM deployment_events WHERE seq IN (
            SELECT seq FROM deployment_events WHERE deployment_id = @id AND kind <> '{Name(LineKind.State)}' ORDER BY seq LIMIT @limit)
        """;

    private const string Began = "UPDATE deployments SET output_retention = @setting WHERE id = @id";

    private const string Done = "UPDATE deployments SET output_removed_at = @at WHERE id = @id";

    // The oldest entries by id (times grow with ids), so a step reads at most @limit rows even when none is old.
    private const string RemoveAudit = "DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT @limit) AND at < @cutoff";

    /// <summary>See <see cref="IDeploymentStore.PruneOutputAsync"/>.</summary>
    public static async Task<PruneResult> OutputAsync(
        StoreSession db, DateTimeOffset cutoff, string setting, DateTimeOffset now, int maxLines, CancellationToken cancellationToken)
    {
        var (lines, finished) = (0, 0);
        for (var looked = 0; looked < MaxDeployments && lines < maxLines; looked++)
        {
            if (await db.ScalarAsync<long>(Next, cancellationToken, ("cutoff", cutoff)).ConfigureAwait(false) is not (> 0 and var id)) break;
            var budget = maxLines - lines;
            var removed = await db.ExecAsync(RemoveLines, cancellationToken, ("id", id), ("limit", budget)).ConfigureAwait(false);
            if (removed > 0) await db.ExecAsync(Began, cancellationToken, ("id", id), ("setting", setting)).ConfigureAwait(false);
            lines += removed;
            // Took the whole budget: there may be more of it, looked at again by the next step.
            if (removed == budget) break;
            await db.ExecAsync(Done, cancellationToken, ("id", id), ("at", now)).ConfigureAwait(false);
            finished++;
        }
        return new PruneResult(lines, finished);
    }

    /// <summary>See <see cref="IDeploymentStore.PruneAuditAsync"/>.</summary>
    public static Task<int> AuditAsync(StoreSession db, DateTimeOffset cutoff, int maxRows, CancellationToken cancellationToken) =>
        db.ExecAsync(RemoveAudit, cancellationToken, ("cutoff", cutoff), ("limit", maxRows));
}
