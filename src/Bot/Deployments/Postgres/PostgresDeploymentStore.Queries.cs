using static Bot.Deployments.Postgres.PostgresRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken) => GetAsync(null, null, id, cancellationToken);

    public async Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken) =>
        (await QueryAsync(null, null, $"SELECT {DeploymentColumns} FROM deployments WHERE app = @app AND number = @number",
            PostgresRows.Deployment, cancellationToken, P("app", app), P("number", number)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken)
    {
        // Only the conditions asked for, so the planner can use the (app, env, id) and the active-state indexes.
        var where = new List<string>();
        var parameters = new List<Npgsql.NpgsqlParameter> { P("limit", limit) };
        if (app is not null) { where.Add("app = @app"); parameters.Add(P("app", app)); }
        if (env is not null) { where.Add("env = @env"); parameters.Add(P("env", env)); }
        if (activeOnly) where.Add("state IN ('queued', 'running')");
        var sql = $"SELECT {DeploymentColumns} FROM deployments {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @limit";
        return await QueryAsync(null, null, sql, PostgresRows.Deployment, cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(null, null, $"""
            SELECT {DeploymentColumns} FROM deployments
            WHERE app = @app AND env = @env AND state = 'succeeded'
            ORDER BY id DESC LIMIT @limit
            """, PostgresRows.Deployment, cancellationToken, P("app", app), P("env", env), P("limit", limit)).ConfigureAwait(false);

    public Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) =>
        ExecAsync(null, null, "UPDATE deployments SET ref = COALESCE(@ref, ref), sha = @sha, subject = @subject WHERE id = @id",
            cancellationToken, P("id", id), P("ref", gitRef), P("sha", sha), P("subject", subject));

    public async Task<DeploymentEvent> AppendEventAsync(long deploymentId, EventKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One statement that also announces the event, so followers in other processes read it at once.
        var seq = await ScalarAsync<long>(null, null, $"""
            WITH added AS (INSERT INTO deployment_events (deployment_id, at, kind, text) VALUES (@id, @at, @kind, @text) RETURNING seq)
            SELECT seq FROM added CROSS JOIN pg_notify('{EventsChannel}', @id::text)
            """,
            cancellationToken, P("id", deploymentId), At("at", at), P("kind", Name(kind)), P("text", text)).ConfigureAwait(false);
        return new DeploymentEvent(deploymentId, seq, at, kind, text);
    }

    public async Task<IReadOnlyList<DeploymentEvent>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(null, null, $"""
            SELECT {EventColumns} FROM deployment_events
            WHERE deployment_id = @id AND seq > @after ORDER BY seq LIMIT @limit
            """, Event, cancellationToken, P("id", deploymentId), P("after", afterSeq), P("limit", limit)).ConfigureAwait(false);

    public async Task<IReadOnlyList<DeploymentEvent>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken)
    {
        var newestFirst = await QueryAsync(null, null, $"""
            SELECT {EventColumns} FROM deployment_events
            WHERE deployment_id = @id AND kind IN ('output', 'erroroutput') ORDER BY seq DESC LIMIT @count
            """, Event, cancellationToken, P("id", deploymentId), P("count", count)).ConfigureAwait(false);
        newestFirst.Reverse();
        return newestFirst;
    }
}
