using static Bot.Deployments.Store.StoreRows;

namespace Bot.Deployments.Store;

/// <summary>The releases of code the DORA figures are computed from (<see cref="IDeploymentStore.ReleasesSinceAsync"/>).</summary>
internal static class StatsSql
{
    // Finished deploys, rollbacks and promotions that started; plus, per app, the last good one before @since, so the
    // first release in the window knows what was live before it. A deploy job with a payload had started going live.
    internal const string Releases = $"""
        SELECT {DeploymentColumns},
               EXISTS (SELECT 1 FROM jobs j WHERE j.deployment_id = d.id AND j.payload IS NOT NULL) AS went_live
        FROM deployments d
        WHERE env = @env AND (CAST(@app AS text) IS NULL OR app = @app)
          AND kind IN ('deploy', 'rollback', 'promote') AND started_at IS NOT NULL
          AND state IN ('succeeded', 'failed', 'cancelled', 'interrupted')
          AND (finished_at >= @since OR id IN (
                SELECT MAX(id) FROM deployments
                WHERE env = @env AND (CAST(@app AS text) IS NULL OR app = @app)
                  AND kind IN ('deploy', 'rollback', 'promote') AND state = 'succeeded' AND finished_at < @since
                GROUP BY app))
        ORDER BY id
        """;

    private static readonly int Last = DeploymentColumns.Split(", ").Length;

    public static async Task<IReadOnlyList<Stats.ReleaseRecord>> SinceAsync(
        StoreSession db, string? app, string env, DateTimeOffset since, CancellationToken cancellationToken) =>
        await db.QueryAsync(Releases, (r, d) => new Stats.ReleaseRecord(StoreRows.Deployment(r, d), r.GetBoolean(Last)),
            cancellationToken, ("app", app), ("env", env), ("since", since)).ConfigureAwait(false);
}
