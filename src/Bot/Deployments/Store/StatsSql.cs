using static Bot.Deployments.Store.StoreRows;

namespace Bot.Deployments.Store;

/// <summary>The releases of code the DORA figures are computed from (<see cref="IDeploymentStore.ReleasesSinceAsync"/>).</summary>
internal static class StatsSql
{
    /// <summary>
    /// Finished deploys, rollbacks and promotions that started; plus, per app, the last good one before @since, so the
    /// first release in the window knows what was live before it. A deploy job with a payload had started going live.
    /// Two index reads instead of one walk of the environment's history (an <c>OR</c> of the two read every row): the
    /// window is a range of <c>deployments_released</c> / <c>deployments_app_released</c> (schema step 10), and each app's
    /// last release before it is read backwards through <c>deployments_live</c> from the newest (so over the window only).
    /// Its kinds are spelled "not a task, not a config change" on purpose: <c>kind IN (…)</c> would let the planner take
    /// <c>deployments_app_released</c> for <c>finished_at &lt; @since</c> and sort all of the app's history. Without an app,
    /// the apps are found by skipping through the index of (app, number) one app at a time (a loose index scan), since
    /// SQLite keeps no list of apps.
    /// </summary>
    internal static string ReleasesSql(StoreDialect dialect, bool app) => $"""
        WITH RECURSIVE apps(app) AS ({(app ? "SELECT CAST(@app AS text)" : """
            SELECT MIN(app) FROM deployments
            UNION ALL
            SELECT (SELECT MIN(app) FROM deployments WHERE app > apps.app) FROM apps WHERE apps.app IS NOT NULL
            """)})
        SELECT {DeploymentColumns},
               EXISTS (SELECT 1 FROM jobs j WHERE j.deployment_id = d.id AND j.payload IS NOT NULL) AS went_live
        FROM deployments d
        WHERE d.{dialect.IdIn($"""
                SELECT id FROM deployments
                WHERE {(app ? "app = @app AND " : "")}env = @env AND kind IN ('deploy', 'rollback', 'promote') AND finished_at >= @since
                UNION ALL
                SELECT (SELECT id FROM deployments
                        WHERE app = apps.app AND env = @env AND state = 'succeeded' AND kind <> 'task' AND kind <> 'config'
                          AND finished_at < @since
                        ORDER BY id DESC LIMIT 1)
                FROM apps WHERE apps.app IS NOT NULL
                """)}
          AND started_at IS NOT NULL AND state IN ('succeeded', 'failed', 'cancelled', 'interrupted')
        ORDER BY id
        """;

    private static readonly int Last = DeploymentColumns.Split(", ").Length;

    public static async Task<IReadOnlyList<Stats.ReleaseRecord>> SinceAsync(
        StoreSession db, string? app, string env, DateTimeOffset since, CancellationToken cancellationToken) =>
        await db.QueryAsync(ReleasesSql(db.Dialect, app is not null), (r, d) => new Stats.ReleaseRecord(StoreRows.Deployment(r, d), r.GetBoolean(Last)),
            cancellationToken, ("app", app), ("env", env), ("since", since)).ConfigureAwait(false);
}
