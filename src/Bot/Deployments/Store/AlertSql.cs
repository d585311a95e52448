using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>Alerts: a repeat of an open one within the window counts up, a resolution closes it, anything else is new.</summary>
internal static class AlertSql
{
    private const string OpenOne = $"""
        SELECT {AlertColumns} FROM alerts
        WHERE app = @app AND env IS NOT DISTINCT FROM @env AND dedupe_key = @key AND state = 'firing' AND last_at >= @since
        ORDER BY id DESC LIMIT 1
        """;

    private const string Resolve = "UPDATE alerts SET state = 'resolved', resolved_at = @at, last_at = @at WHERE id = @id";

    private const string Repeat =
        "UPDATE alerts SET count = count + 1, last_at = @at, severity = @severity, detail = COALESCE(@detail, detail), link = COALESCE(@link, link) WHERE id = @id";

    private const string Insert = """
        INSERT INTO alerts (source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted)
        VALUES (@source, @app, @env, @severity, @title, @detail, @link, @key, @state, 1, @at, @at, @resolved, @muted) RETURNING id
        """;

    private const string ById = $"SELECT {AlertColumns} FROM alerts WHERE id = @id";

    private const string All = $"SELECT {AlertColumns} FROM alerts ORDER BY id DESC LIMIT @limit";

    private const string OfApp = $"SELECT {AlertColumns} FROM alerts WHERE app = @app ORDER BY id DESC LIMIT @limit";

    /// <summary>See <see cref="IDeploymentStore.RecordAlertAsync"/>.</summary>
    public static async Task<(StoredAlert Alert, AlertChange Change)> RecordAsync(StoreSession db, Alert a, TimeSpan window, bool muted, CancellationToken cancellationToken)
    {
        var open = await db.FirstAsync(OpenOne, StoreRows.Alert, cancellationToken, ("app", a.App), ("env", a.Env), ("key", a.DedupeKey), ("since", a.At - window)).ConfigureAwait(false);
        if (open is not null)
        {
            if (a.Resolved)
                await db.ExecAsync(Resolve, cancellationToken, ("id", open.Id), ("at", a.At)).ConfigureAwait(false);
            else
                await db.ExecAsync(Repeat, cancellationToken, ("id", open.Id), ("at", a.At), ("severity", Name(a.Severity)), ("detail", a.Detail), ("link", a.Link)).ConfigureAwait(false);
            return ((await GetAsync(db, open.Id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.Resolved : AlertChange.Repeated);
        }
        var id = await db.ScalarAsync<long>(Insert, cancellationToken, ("source", a.Source), ("app", a.App), ("env", a.Env), ("severity", Name(a.Severity)),
            ("title", a.Title), ("detail", a.Detail), ("link", a.Link), ("key", a.DedupeKey), ("state", a.Resolved ? "resolved" : "firing"), ("at", a.At),
            ("resolved", a.Resolved ? a.At : null), ("muted", muted)).ConfigureAwait(false);
        return ((await GetAsync(db, id, cancellationToken).ConfigureAwait(false))!, a.Resolved ? AlertChange.NothingOpen : AlertChange.New);
    }

    /// <summary>Newest first.</summary>
    public static async Task<IReadOnlyList<StoredAlert>> ListAsync(StoreSession db, string? app, int limit, CancellationToken cancellationToken) =>
        app is null
            ? await db.QueryAsync(All, StoreRows.Alert, cancellationToken, ("limit", limit)).ConfigureAwait(false)
            : await db.QueryAsync(OfApp, StoreRows.Alert, cancellationToken, ("app", app), ("limit", limit)).ConfigureAwait(false);

    public static Task<StoredAlert?> GetAsync(StoreSession db, long id, CancellationToken cancellationToken) =>
        db.FirstAsync(ById, StoreRows.Alert, cancellationToken, ("id", id));
}
