using System.Data.Common;
using System.Diagnostics;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Deployments.Retention;
using Bot.Deployments.Stats;
using System.Globalization;
using Bot.Deployments.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bot.Bench;

/// <summary>
/// Fills a store with a year of history through the bot's own schema (its migrations run first): APPS apps
/// (<c>api</c>, then <c>app1</c>…), DEPLOYMENTS deployments spread evenly over the year before now, each with its state
/// lines, tens of output lines (one in fifty: thousands), its job and audit row; one production deploy in twenty asked
/// for an approval. No deployment is left running, so the bot starts on it with every app free.
/// As the bot's default <c>Retention:Output = 90d</c> leaves a year-old store, only deployments that finished in the
/// last 90 days keep their output and notice lines; older ones keep their row and state lines and are marked pruned
/// (<c>output_removed_at</c>, <c>output_retention</c>) as the retention worker marks them; those recent releases also
/// have the lead-time note <c>stats</c> keeps once it has read git. <c>SEED_OUTPUT=all</c> keeps all
/// output (a store that never pruned: about four times the rows).
/// Rows go in big transactions (SQLite: prepared inserts; PostgreSQL: binary COPY), and the rate is printed.
/// Usage: seed APPS DEPLOYMENTS FILE (SQLite), or with DATABASE_URL set, seed APPS DEPLOYMENTS (PostgreSQL).
/// </summary>
public static class SeedBench
{
    private const int Batch = 200_000;

    private static readonly string[] Deployments = ["id", "app", "env", "number", "kind", "ref", "sha", "subject", "platform", "conversation",
        "user_id", "user_name", "state", "created_at", "started_at", "finished_at", "release", "message", "output_removed_at", "output_retention"];
    private static readonly string[] Events = ["deployment_id", "at", "kind", "text"];
    private static readonly string[] Jobs = ["kind", "deployment_id", "state", "attempts", "created_at", "finished_at"];
    private static readonly string[] Audit = ["at", "platform", "conversation", "user_id", "user_name", "command", "app", "result", "outcome", "env"];
    private static readonly string[] Requests = ["deployment_id", "needed", "expires_at", "approvers"];
    private static readonly string[] Votes = ["deployment_id", "user_id", "user_name", "approved", "at"];
    private static readonly string[] Notes = ["scope", "key", "value", "at"];

    public static async Task<int> RunAsync(string[] args)
    {
        var apps = int.Parse(args[0]);
        var deployments = int.Parse(args[1]);
        var url = Environment.GetEnvironmentVariable("DATABASE_URL");
        await using Sink sink = string.IsNullOrEmpty(url) ? await SqliteSink.OpenAsync(args[2]) : await PostgresSink.OpenAsync(url);
        var t0 = Stopwatch.GetTimestamp();
        var allOutput = string.Equals(Environment.GetEnvironmentVariable("SEED_OUTPUT"), "all", StringComparison.OrdinalIgnoreCase);
        var rows = await FillAsync(sink, apps, deployments, allOutput);
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine($"SEED store={sink.Name} apps={apps} deployments={deployments} rows={rows} seconds={seconds:0.0} rows_per_s={rows / seconds:0} output={(allOutput ? "all" : "90d")}");
        return 0;
    }

    private static async Task<long> FillAsync(Sink sink, int apps, int count, bool allOutput)
    {
        var random = new Random(30);
        var now = DateTimeOffset.UtcNow;
        var cutoff = now.AddDays(-90);
        var start = now.AddDays(-365);
        var step = TimeSpan.FromDays(365) / Math.Max(count, 1);
        var numbers = new int[apps];
        long rows = 0;
        for (var id = 1L; id <= count; id++)
        {
            var a = (int)((id - 1) % apps);
            var app = a == 0 ? "api" : $"app{a}";
            var env = random.Next(3) == 0 ? "staging" : "production";
            var number = ++numbers[a];
            var roll = random.Next(100);
            var kind = roll < 90 ? "deploy" : roll < 95 ? "rollback" : "task";
            var state = roll % 10 == 7 ? "failed" : roll == 42 ? "cancelled" : "succeeded";
            var created = start + step * id;
            var started = created.AddSeconds(2);
            var finished = started.AddSeconds(30 + random.Next(300));
            var sha = $"{id:x8}{a:x8}".PadRight(40, '0');
            var user = $"u{random.Next(40)}";
            var asked = env == "production" && kind == "deploy" && random.Next(20) == 0;
            var pruned = !allOutput && finished < cutoff;
            await sink.AddAsync(0, id, app, env, number, kind, "main", sha, $"Change {number} of {app}", "slack", "C1", user, user, state,
                created, started, finished, state == "succeeded" ? $"r{number}" : null, state == "failed" ? "Build failed: exit 1" : null,
                pruned ? now : null, pruned ? RetentionOptions.DefaultOutput : null);
            await sink.AddAsync(1, id, created, "state", asked ? "awaiting_approval" : "queued");
            if (asked)
            {
                await sink.AddAsync(4, id, 1, created.AddHours(1), "*");
                await sink.AddAsync(5, id, "u7", "u7", true, created.AddSeconds(1));
                if (!pruned) await sink.AddAsync(1, id, created.AddSeconds(1), "notice", "Approved by u7 (1 of 1).");
                await sink.AddAsync(1, id, created.AddSeconds(1), "state", "queued");
                rows += pruned ? 3 : 4;
            }
            await sink.AddAsync(1, id, started, "state", "running");
            var lines = random.Next(50) == 0 ? 1000 + random.Next(3000) : 10 + random.Next(60);
            if (pruned) lines = 0;
            for (var l = 0; l < lines; l++)
                await sink.AddAsync(1, id, started.AddMilliseconds(l * 10), "output", $"step {l}: compiled module {l % 37} in {random.Next(900)} ms");
            await sink.AddAsync(1, id, finished, "state", state);
            await sink.AddAsync(2, "deploy", id, state, 1, created, finished);
            await sink.AddAsync(3, created, "slack", "C1", user, user, $"deploy {app} {env}", app, "ok", "ok", env);
            rows += 6 + lines;
            // The lead time `stats` keeps per release once read from git (the seeded commits are not in any repository,
            // so without it every `stats` would run git for each release in its window).
            if (!pruned && kind != "task")
            {
                await sink.AddAsync(6, LeadTimes.Scope, id.ToString(CultureInfo.InvariantCulture), created.AddHours(-random.Next(1, 72)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), finished);
                rows++;
            }
            if (id % 4 == 0)
            {
                await sink.AddAsync(3, created.AddMinutes(1), "slack", "C1", user, user, $"status {app}", app, "ok", "ok", null);
                rows++;
            }
            if (sink.Pending >= Batch) await sink.CommitAsync();
        }
        await sink.CommitAsync();
        await sink.FinishAsync(apps, numbers);
        return rows;
    }

    /// <summary>Where the rows go: table 0 deployments, 1 events, 2 jobs, 3 audit, 4 approval requests, 5 approvals, 6 notes.</summary>
    private abstract class Sink : IAsyncDisposable
    {
        protected static readonly (string Table, string[] Columns)[] Tables =
            [("deployments", Deployments), ("deployment_events", Events), ("jobs", Jobs), ("audit", Audit), ("approval_requests", Requests), ("approvals", Votes), ("notes", Notes)];

        public int Pending { get; protected set; }

        public abstract string Name { get; }

        public abstract ValueTask AddAsync(int table, params object?[] values);

        public abstract Task CommitAsync();

        public abstract Task FinishAsync(int apps, int[] numbers);

        public abstract ValueTask DisposeAsync();
    }

    private sealed class SqliteSink : Sink
    {
        private readonly SqliteConnection _db;
        private SqliteTransaction _tx;
        private readonly SqliteCommand[] _inserts;

        private SqliteSink(SqliteConnection db)
        {
            _db = db;
            _tx = db.BeginTransaction();
            _inserts = [.. Tables.Select(t =>
            {
                var c = db.CreateCommand();
                c.CommandText = $"INSERT INTO {t.Table} ({string.Join(", ", t.Columns)}) VALUES ({string.Join(", ", t.Columns.Select((_, i) => $"$p{i}"))})";
                foreach (var i in Enumerable.Range(0, t.Columns.Length)) c.Parameters.Add(new SqliteParameter($"$p{i}", null));
                c.Transaction = _tx;
                c.Prepare();
                return c;
            })];
        }

        public override string Name => "sqlite";

        public static async Task<SqliteSink> OpenAsync(string path)
        {
            using (var store = new SqliteDeploymentStore(path)) await store.MigrateAsync(default);
            var db = new SqliteConnection($"Data Source={path};Pooling=False");
            await db.OpenAsync();
            using var pragmas = db.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;";
            await pragmas.ExecuteNonQueryAsync();
            return new SqliteSink(db);
        }

        public override ValueTask AddAsync(int table, params object?[] values)
        {
            var c = _inserts[table];
            for (var i = 0; i < values.Length; i++)
                c.Parameters[i].Value = values[i] switch { null => DBNull.Value, DateTimeOffset t => t.ToUnixTimeMilliseconds(), bool b => b ? 1 : 0, var v => v };
            c.ExecuteNonQuery();
            Pending++;
            return ValueTask.CompletedTask;
        }

        public override async Task CommitAsync()
        {
            await _tx.CommitAsync();
            _tx = _db.BeginTransaction();
            foreach (var c in _inserts) c.Transaction = _tx;
            Pending = 0;
        }

        public override async Task FinishAsync(int apps, int[] numbers)
        {
            await _tx.CommitAsync();
            using var c = _db.CreateCommand();
            c.CommandText = "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);";
            await c.ExecuteNonQueryAsync();
            _tx = _db.BeginTransaction();
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var c in _inserts) await c.DisposeAsync();
            await _tx.DisposeAsync();
            await _db.DisposeAsync();
        }
    }

    private sealed class PostgresSink(NpgsqlConnection db) : Sink
    {
        // A batch's rows are kept per table and sent with one COPY each, deployments first (the others refer to them).
        private readonly List<object?[]>[] _rows = [.. Tables.Select(_ => new List<object?[]>())];

        public override string Name => "postgres";

        public static async Task<PostgresSink> OpenAsync(string url)
        {
            await using (var store = PostgresDeploymentStore.FromUrl(url)) await store.MigrateAsync(default);
            var db = new NpgsqlConnection(PostgresUrl.ToConnectionString(url));
            await db.OpenAsync();
            return new PostgresSink(db);
        }

        public override ValueTask AddAsync(int table, params object?[] values)
        {
            _rows[table].Add(values);
            Pending++;
            return ValueTask.CompletedTask;
        }

        public override async Task CommitAsync()
        {
            await using var tx = await db.BeginTransactionAsync();
            for (var t = 0; t < Tables.Length; t++)
            {
                await using (var copy = await db.BeginBinaryImportAsync($"COPY {Tables[t].Table} ({string.Join(", ", Tables[t].Columns)}) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var row in _rows[t])
                    {
                        await copy.StartRowAsync();
                        foreach (var v in row)
                        {
                            if (v is null) await copy.WriteNullAsync();
                            else if (v is DateTimeOffset time) await copy.WriteAsync(time.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz);
                            else await copy.WriteAsync(v);
                        }
                    }
                    await copy.CompleteAsync();
                }
                _rows[t].Clear();
            }
            await tx.CommitAsync();
            Pending = 0;
        }

        public override async Task FinishAsync(int apps, int[] numbers)
        {
            await using var batch = new NpgsqlBatch(db);
            for (var a = 0; a < apps; a++)
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO app_numbers (app, last) VALUES ($1, $2) ON CONFLICT (app) DO UPDATE SET last = EXCLUDED.last")
                    { Parameters = { new() { Value = a == 0 ? "api" : $"app{a}" }, new() { Value = numbers[a] } } });
            foreach (var (table, key) in new[] { ("deployments", "id"), ("deployment_events", "seq"), ("jobs", "id"), ("audit", "id") })
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT COALESCE(MAX({key}), 1) FROM {table}))"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("ANALYZE"));
            await batch.ExecuteNonQueryAsync();
        }

        public override ValueTask DisposeAsync() => db.DisposeAsync();
    }
}
