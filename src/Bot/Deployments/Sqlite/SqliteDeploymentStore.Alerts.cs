using Bot.Deployments;
using Microsoft.Data.Sqlite;
using static Bot.Deployments.Sqlite.SqliteRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    private const string AlertColumns =
        "id, source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted";

    public Task<(StoredAlert Alert, AlertChange Change)> RecordAlertAsync(Alert a, TimeSpan window, bool muted, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var open = (await QueryAsync(c, tx, $"""
                SELECT {AlertColumns} FROM alerts
                WHERE app = $app AND env IS $env AND dedupe_key = $key AND state = 'firing' AND last_at >= $since
                ORDER BY id DESC LIMIT 1
                """, ReadAlert, cancellationToken, ("$app", a.App), ("$env", a.Env), ("$key", a.DedupeKey), ("$since", Ms(a.At - window))).ConfigureAwait(false)).FirstOrDefault();
            if (open is not null)
            {
                var sql = a.Resolved
                    ? "UPDATE alerts SET state = 'resolved', resolved_at = $at, last_at = $at WHERE id = $id"
                    : "UPDATE alerts SET count = count + 1, last_at = $at, severity = $severity, detail = COALESCE($detail, detail), link = COALESCE($link, link) WHERE id = $id";
                await ExecAsync(c, tx, sql, cancellationToken, ("$id", open.Id), ("$at", Ms(a.At)), ("$severity", Name(a.Severity)), ("$detail", a.Detail), ("$link", a.Link)).ConfigureAwait(false);
                return ((await AlertAsync(c, tx, open.Id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.Resolved : AlertChange.Repeated);
            }
            var id = (long)(await ScalarAsync(c, tx, """
                INSERT INTO alerts (source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted)
                VALUES ($source, $app, $env, $severity, $title, $detail, $link, $key, $state, 1, $at, $at, $resolved, $muted) RETURNING id
                """, cancellationToken, ("$source", a.Source), ("$app", a.App), ("$env", a.Env), ("$severity", Name(a.Severity)), ("$title", a.Title),
                ("$detail", a.Detail), ("$link", a.Link), ("$key", a.DedupeKey), ("$state", a.Resolved ? "resolved" : "firing"), ("$at", Ms(a.At)),
                ("$resolved", a.Resolved ? Ms(a.At) : null), ("$muted", muted ? 1 : 0)).ConfigureAwait(false))!;
            return ((await AlertAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.NothingOpen : AlertChange.New);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredAlert>>(async c => await QueryAsync(c, null,
            $"SELECT {AlertColumns} FROM alerts {(app is null ? "" : "WHERE app = $app")} ORDER BY id DESC LIMIT $limit",
            ReadAlert, cancellationToken, ("$app", app), ("$limit", limit)).ConfigureAwait(false), cancellationToken);

    private static async Task<StoredAlert?> AlertAsync(SqliteConnection c, SqliteTransaction tx, long id, CancellationToken cancellationToken) =>
        (await QueryAsync(c, tx, $"SELECT {AlertColumns} FROM alerts WHERE id = $id", ReadAlert, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();

    private static StoredAlert ReadAlert(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
        SeverityOf(r.GetString(4)),
        r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8),
        r.GetString(9) == "resolved" ? AlertState.Resolved : AlertState.Firing, r.GetInt32(10),
        Time(r.GetInt64(11)), Time(r.GetInt64(12)), r.IsDBNull(13) ? null : Time(r.GetInt64(13)), r.GetInt64(14) != 0);
}
