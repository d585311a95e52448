using Bot.Deployments;
using Npgsql;
using static Bot.Deployments.Postgres.PostgresRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert a, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, tx) =>
        {
            // The same alert arriving at two replicas at once must become one: they take turns per app, env and key.
            await ExecAsync(c, tx, "SELECT pg_advisory_xact_lock(hashtextextended(@app || chr(31) || COALESCE(@env, '') || chr(31) || @key, 0))",
                cancellationToken, P("app", a.App), P("env", a.Env), P("key", a.DedupeKey)).ConfigureAwait(false);
            var open = (await QueryAsync(c, tx, $"""
                SELECT {AlertColumns} FROM alerts
                WHERE app = @app AND env IS NOT DISTINCT FROM @env AND dedupe_key = @key AND state = 'firing' AND last_at >= @since
                ORDER BY id DESC LIMIT 1
                """, AlertRow, cancellationToken, P("app", a.App), P("env", a.Env), P("key", a.DedupeKey), At("since", a.At - window)).ConfigureAwait(false)).FirstOrDefault();
            if (open is not null)
            {
                if (a.Resolved)
                    await ExecAsync(c, tx, "UPDATE alerts SET state = 'resolved', resolved_at = @at, last_at = @at WHERE id = @id",
                        cancellationToken, P("id", open.Id), At("at", a.At)).ConfigureAwait(false);
                else
                    await ExecAsync(c, tx, "UPDATE alerts SET count = count + 1, last_at = @at, severity = @severity, detail = COALESCE(@detail, detail), link = COALESCE(@link, link) WHERE id = @id",
                        cancellationToken, P("id", open.Id), At("at", a.At), P("severity", Name(a.Severity)), P("detail", a.Detail), P("link", a.Link)).ConfigureAwait(false);
                return ((await AlertAsync(c, tx, open.Id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.Resolved : AlertChange.Repeated);
            }
            var id = await ScalarAsync<long>(c, tx, """
                INSERT INTO alerts (source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted)
                VALUES (@source, @app, @env, @severity, @title, @detail, @link, @key, @state, 1, @at, @at, @resolved, @muted) RETURNING id
                """, cancellationToken, P("source", a.Source), P("app", a.App), P("env", a.Env), P("severity", Name(a.Severity)), P("title", a.Title),
                P("detail", a.Detail), P("link", a.Link), P("key", a.DedupeKey), P("state", a.Resolved ? "resolved" : "firing"), At("at", a.At),
                P<DateTimeOffset?>("resolved", a.Resolved ? a.At.ToUniversalTime() : null), P("muted", muted)).ConfigureAwait(false);
            return ((await AlertAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.NothingOpen : AlertChange.New);
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken) =>
        await (app is null
            ? QueryAsync(null, null, $"SELECT {AlertColumns} FROM alerts ORDER BY id DESC LIMIT @limit", AlertRow, cancellationToken, P("limit", limit))
            : QueryAsync(null, null, $"SELECT {AlertColumns} FROM alerts WHERE app = @app ORDER BY id DESC LIMIT @limit", AlertRow, cancellationToken, P("app", app), P("limit", limit)))
            .ConfigureAwait(false);

    private async Task<StoredAlert?> AlertAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, CancellationToken cancellationToken) =>
        (await QueryAsync(c, tx, $"SELECT {AlertColumns} FROM alerts WHERE id = @id", AlertRow, cancellationToken, P("id", id)).ConfigureAwait(false)).FirstOrDefault();
}
