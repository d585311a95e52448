using static Bot.Deployments.Sqlite.SqliteRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(c => GetAsync(c, null, id, cancellationToken), cancellationToken);

    public Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken) => ReadAsync(async c =>
        (await QueryAsync(c, null, $"SELECT {DeploymentColumns} FROM deployments WHERE app = $app AND number = $number",
            SqliteRows.Deployment, cancellationToken, ("$app", app), ("$number", number)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken)
    {
        // Only the conditions asked for, so SQLite can use the (app, env, id) and the active-state indexes.
        var where = new List<string>();
        if (app is not null) where.Add("app = $app");
        if (env is not null) where.Add("env = $env");
        if (activeOnly) where.Add("state IN ('queued', 'running')");
        var sql = $"SELECT {DeploymentColumns} FROM deployments {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT $limit";
        return ReadAsync<IReadOnlyList<Deployment>>(async c => await QueryAsync(c, null, sql, SqliteRows.Deployment, cancellationToken,
            ("$app", app), ("$env", env), ("$limit", limit)).ConfigureAwait(false), cancellationToken);
    }

    public Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<Deployment>>(async c => await QueryAsync(c, null, $"""
            SELECT {DeploymentColumns} FROM deployments
            WHERE app = $app AND env = $env AND state = 'succeeded'
            ORDER BY id DESC LIMIT $limit
            """, SqliteRows.Deployment, cancellationToken, ("$app", app), ("$env", env), ("$limit", limit)).ConfigureAwait(false),
            cancellationToken);

    public Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) => WriteAsync((c, tx) =>
        ExecAsync(c, tx, "UPDATE deployments SET ref = COALESCE($ref, ref), sha = $sha, subject = $subject WHERE id = $id",
            cancellationToken, ("$id", id), ("$ref", gitRef), ("$sha", sha), ("$subject", subject)), cancellationToken);

    public Task<DeploymentEvent> AppendEventAsync(long deploymentId, EventKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var seq = (long)(await ScalarAsync(c, tx,
                "INSERT INTO deployment_events (deployment_id, at, kind, text) VALUES ($id, $at, $kind, $text) RETURNING seq",
                cancellationToken, ("$id", deploymentId), ("$at", Ms(at)), ("$kind", Name(kind)), ("$text", text)).ConfigureAwait(false))!;
            return new DeploymentEvent(deploymentId, seq, at, kind, text);
        }, cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<DeploymentEvent>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<DeploymentEvent>>(async c => await QueryAsync(c, null, """
            SELECT deployment_id, seq, at, kind, text FROM deployment_events
            WHERE deployment_id = $id AND seq > $after ORDER BY seq LIMIT $limit
            """, Event, cancellationToken, ("$id", deploymentId), ("$after", afterSeq), ("$limit", limit)).ConfigureAwait(false), cancellationToken);

    public Task<IReadOnlyList<DeploymentEvent>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<DeploymentEvent>>(async c =>
        {
            var newestFirst = await QueryAsync(c, null, """
                SELECT deployment_id, seq, at, kind, text FROM deployment_events
                WHERE deployment_id = $id AND kind IN ('output', 'erroroutput') ORDER BY seq DESC LIMIT $count
                """, Event, cancellationToken, ("$id", deploymentId), ("$count", count)).ConfigureAwait(false);
            newestFirst.Reverse();
            return newestFirst;
        }, cancellationToken);
}
