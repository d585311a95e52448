using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>The file's size: giving freed pages back (incremental vacuum), and what each table takes (<c>bot store stats</c>).</summary>
public sealed partial class SqliteDeploymentStore
{
    /// <summary>
    /// An older file rewritten once so it can shrink: <c>VACUUM</c> copies the whole file, so only while it is small
    /// (a second or so); a bigger one keeps reusing its free pages, and <c>bot store stats</c> says how to switch it.
    /// </summary>
    internal const long SwitchAtMostBytes = 64L * 1024 * 1024;

    private const string Tables = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    private const string SizesByTable = "SELECT s.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name GROUP BY s.tbl_name";

    private async Task SwitchToIncrementalAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var db = new SqliteSession(connection, null);
        if (await db.ScalarAsync<long>("PRAGMA auto_vacuum", cancellationToken).ConfigureAwait(false) != 0) return;
        var bytes = await db.ScalarAsync<long>("PRAGMA page_count", cancellationToken).ConfigureAwait(false)
                    * await db.ScalarAsync<long>("PRAGMA page_size", cancellationToken).ConfigureAwait(false);
        if (bytes > SwitchAtMostBytes) return;
        try
        {
            // Another process writing now makes it busy at once: it is tried again at the next start.
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "PRAGMA busy_timeout = 0; PRAGMA auto_vacuum = INCREMENTAL; VACUUM";
            vacuum.CommandTimeout = 1;
            await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // Busy or locked: left as it is.
        }
    }

    /// <summary>Runs <c>PRAGMA incremental_vacuum</c> on the writer, between other writes; 0 on a file that cannot shrink yet.</summary>
    public override Task<long> ReclaimSpaceAsync(int maxPages, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async db =>
        {
            if (await db.ScalarAsync<long>("PRAGMA auto_vacuum", cancellationToken).ConfigureAwait(false) != 2) return 0L;
            var before = await db.ScalarAsync<long>("PRAGMA freelist_count", cancellationToken).ConfigureAwait(false);
            await db.ExecAsync($"PRAGMA incremental_vacuum({maxPages.ToString(CultureInfo.InvariantCulture)})", cancellationToken).ConfigureAwait(false);
            return before - await db.ScalarAsync<long>("PRAGMA freelist_count", cancellationToken).ConfigureAwait(false);
        }, cancellationToken, singleStatement: true);

    public override Task<StoreStats> StatsAsync(CancellationToken cancellationToken) =>
        ReadAsync(async db =>
        {
            var names = await db.QueryAsync(Tables, (r, _) => r.GetString(0), cancellationToken).ConfigureAwait(false);
            Dictionary<string, long>? sizes = null;
            string? note = null;
            try
            {
                sizes = (await db.QueryAsync(SizesByTable, (r, _) => (r.GetString(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false))
                    .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
            }
            catch (SqliteException)
            {
                note = "This SQLite has no dbstat table, so sizes per table are not available; the file's size is.";
            }
            var tables = new List<TableStats>();
            foreach (var name in names)
            {
                var rows = await db.ScalarAsync<long>($"SELECT COUNT(*) FROM \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken).ConfigureAwait(false);
                tables.Add(new TableStats(name, rows, sizes is null ? null : sizes.GetValueOrDefault(name)));
            }
            var pageSize = await db.ScalarAsync<long>("PRAGMA page_size", cancellationToken).ConfigureAwait(false);
            var free = await db.ScalarAsync<long>("PRAGMA freelist_count", cancellationToken).ConfigureAwait(false) * pageSize;
            if (await db.ScalarAsync<long>("PRAGMA auto_vacuum", cancellationToken).ConfigureAwait(false) != 2)
                note = (note is null ? "" : note + " ") +
                       "This file does not shrink by itself (auto_vacuum is off; it was over 64 MB when the bot first met it): with the bot stopped, " +
                       "`sqlite3 <file> \"PRAGMA auto_vacuum = INCREMENTAL; VACUUM\"` switches it once.";
            return new StoreStats("SQLite", tables, new FileInfo(_path).Length, free, note);
        }, cancellationToken);
}
