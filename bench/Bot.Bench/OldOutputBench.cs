using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bot.Bench;

/// <summary>
/// Tops up a seeded store (<c>seed</c> first) so that at least ROWS output lines belong to deployments that finished more
/// than 91 days ago, which the default <c>Retention:Output = 90d</c> removes: the same number of lines is added to each
/// such deployment, whatever the seed left there. For <c>bench/prune.sh</c>.
/// Usage: old-output ROWS FILE (SQLite), or with DATABASE_URL set, old-output ROWS (PostgreSQL).
/// </summary>
public static class OldOutputBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = long.Parse(args[0]);
        var url = Environment.GetEnvironmentVariable("DATABASE_URL");
        var sqlite = string.IsNullOrEmpty(url);
        await using DbConnection db = sqlite
            ? new SqliteConnection($"Data Source={args[1]};Pooling=False")
            : new NpgsqlConnection(Bot.Deployments.Postgres.PostgresUrl.ToConnectionString(url!));
        await db.OpenAsync();
        var t0 = Stopwatch.GetTimestamp();
        var cutoff = DateTimeOffset.UtcNow.AddDays(-91);
        object at = sqlite ? cutoff.ToUnixTimeMilliseconds() : cutoff;
        var old = await ScalarAsync(db, "SELECT COUNT(*) FROM deployments WHERE finished_at < @cutoff", at);
        var have = await ScalarAsync(db,
            "SELECT COUNT(*) FROM deployment_events e JOIN deployments d ON d.id = e.deployment_id WHERE d.finished_at < @cutoff AND e.kind = 'output'", at);
        var per = old == 0 || have >= rows ? 0 : (rows - have + old - 1) / old;
        if (per > 0)
        {
            var insert = sqlite
                ? """
                  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @per)
                  INSERT INTO deployment_events (deployment_id, at, kind, text)
                  SELECT d.id, d.finished_at - 1000, 'output', 'step ' || n.i || ': compiled module ' || (n.i % 37) || ' in ' || (n.i * 7 % 900) || ' ms'
                  FROM deployments d, n WHERE d.finished_at < @cutoff ORDER BY d.id, n.i
                  """
                : """
                  INSERT INTO deployment_events (deployment_id, at, kind, text)
                  SELECT d.id, d.finished_at - interval '1 second', 'output', 'step ' || n || ': compiled module ' || (n % 37) || ' in ' || (n * 7 % 900) || ' ms'
                  FROM deployments d, generate_series(1, @per) n WHERE d.finished_at < @cutoff ORDER BY d.id, n
                  """;
            await using var c = db.CreateCommand();
            c.CommandText = insert;
            c.CommandTimeout = 0;
            Add(c, "cutoff", at);
            Add(c, "per", sqlite ? per : (int)per);
            await c.ExecuteNonQueryAsync();
            // Whatever the seed marked as pruned now has output again: the worker must see it as not yet pruned.
            await using var unmark = db.CreateCommand();
            unmark.CommandText = "UPDATE deployments SET output_removed_at = NULL, output_retention = NULL WHERE finished_at < @cutoff";
            unmark.CommandTimeout = 0;
            Add(unmark, "cutoff", at);
            await unmark.ExecuteNonQueryAsync();
            await using var after = db.CreateCommand();
            after.CommandText = sqlite ? "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)" : "ANALYZE";
            after.CommandTimeout = 0;
            await after.ExecuteNonQueryAsync();
        }
        var total = have + per * old;
        Console.WriteLine($"OLDOUTPUT store={(sqlite ? "sqlite" : "postgres")} deployments={old} lines={total} added={per * old} seconds={Stopwatch.GetElapsedTime(t0).TotalSeconds:0.0}");
        return 0;
    }

    private static async Task<long> ScalarAsync(DbConnection db, string sql, object cutoff)
    {
        await using var c = db.CreateCommand();
        c.CommandText = sql;
        c.CommandTimeout = 0;
        Add(c, "cutoff", cutoff);
        return Convert.ToInt64(await c.ExecuteScalarAsync());
    }

    private static void Add(DbCommand c, string name, object value)
    {
        var p = c.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        c.Parameters.Add(p);
    }
}
