using Bot.Deployments.Postgres;
using Bot.Deployments.Sqlite;
using Bot.Deployments.Store;
using System.Text.RegularExpressions;
using Bot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bot.Tests.Deployments;

/// <summary>
/// The queries of intake, status, history, the queue, stats and the audit log reach their rows through an index on a
/// store of a year of deployments (about 20,000 rows, the planner's statistics gathered), never by walking a whole
/// table. Each store's class says how it seeds and how it reads a plan. (Locks are left out: one row per app/env/kind
/// at most, a table that does not grow with history, where walking it is the planner's right answer.)
/// </summary>
public abstract class QueryPlanContract
{
    protected const int Deployments = 20_000;
    protected static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The plan's lines for <paramref name="sql"/> on a seeded store.</summary>
    protected abstract Task<IReadOnlyList<string>> PlanAsync(string sql, params (string Name, object? Value)[] parameters);

    /// <summary>A line that walks all of <paramref name="table"/>.</summary>
    protected abstract bool WalksAll(string line, string table);

    /// <summary>A line that reads <paramref name="table"/> through one of its indexes.</summary>
    protected abstract bool UsesIndex(string line, string table);

    private Task AssertIndexedAsync(string table, string sql, params (string Name, object? Value)[] parameters) =>
        AssertUsesAsync(table, null, sql, parameters);

    /// <summary>As <see cref="AssertIndexedAsync"/>, and through <paramref name="index"/>: another index can still walk all of an app's rows.</summary>
    private async Task AssertUsesAsync(string table, string? index, string sql, params (string Name, object? Value)[] parameters)
    {
        var plan = await PlanAsync(sql, parameters);
        var text = string.Join("\n", plan);
        // A common table expression of the query (a few rows it made itself, such as one per app) may be read whole.
        var ctes = Regex.Matches(sql, @"(?:WITH(?: RECURSIVE)?|,)\s+(\w+)(?:\([^)]*\))?\s+AS\s*\(").Select(m => m.Groups[1].Value).ToList();
        bool ReadsCte(string line) => ctes.Any(c => Regex.IsMatch(line, $@"(SCAN|Scan on) {c}\b"));
        Assert.False(plan.Any(l => WalksAll(l, table) && !ReadsCte(l)), $"walks all of {table}:\n{text}");
        Assert.True(plan.Any(l => UsesIndex(l, table)), $"no index of {table}:\n{text}");
        if (index is not null) Assert.True(plan.Any(l => l.Contains(index, StringComparison.Ordinal)), $"not through {index}:\n{text}");
    }

    [Fact]
    public Task Status_reads_an_apps_deployments_not_yet_ended_through_the_open_index() =>
        AssertUsesAsync("deployments", "deployments_open", DeploymentSql.ListSql(app: true, env: false, activeOnly: true), ("app", "app7"), ("limit", 20));

    [Fact]
    public Task The_deployments_not_yet_ended_of_all_apps_come_from_the_open_index() =>
        AssertUsesAsync("deployments", "deployments_open", DeploymentSql.ListSql(app: false, env: false, activeOnly: true), ("limit", 100));

    [Fact]
    public Task History_is_newest_first_through_app_env_id() =>
        AssertIndexedAsync("deployments", DeploymentSql.ListSql(app: true, env: true, activeOnly: false), ("app", "app7"), ("env", "production"), ("limit", 20));

    [Fact]
    public Task What_is_live_is_found_without_walking_failed_runs() =>
        AssertIndexedAsync("deployments", DeploymentSql.Succeeded, ("app", "app7"), ("env", "production"), ("limit", 1));

    [Fact]
    public Task Waiting_deployments_come_from_their_index() =>
        AssertIndexedAsync("deployments", WaitSql.Waiting, ("limit", 100));

    [Fact]
    public Task The_queue_claim_takes_the_oldest_queued_job_through_its_index() =>
        AssertIndexedAsync("jobs", QueueSql.ClaimSql(Dialect, oneDeployment: false), ("owner", "w"), ("lease", Now));

    [Fact]
    public Task The_audit_log_pages_newest_first_by_key() =>
        AssertIndexedAsync("audit", AuditSql.OfApp, ("app", "app7"), ("limit", 50));

    [Fact]
    public Task The_audit_export_since_a_date_starts_at_that_date() =>
        AssertUsesAsync("audit", "audit_at", AuditSql.AllSince, ("since", Now.AddDays(-30)), ("limit", 1000));

    [Fact]
    public Task An_apps_audit_export_since_a_date_starts_at_that_date() =>
        AssertUsesAsync("audit", "audit_app_at", AuditSql.OfAppSince, ("since", Now.AddDays(-30)), ("app", "app7"), ("limit", 1000));

    [Fact]
    public async Task Stats_of_an_app_reads_its_window_and_its_last_release_before_through_indexes()
    {
        (string, object?)[] args = [("app", "app7"), ("env", "production"), ("since", Now.AddDays(-30))];
        await AssertUsesAsync("deployments", "deployments_app_released", StatsSql.ReleasesSql(Dialect, app: true), args);
        await AssertUsesAsync("deployments", "deployments_live", StatsSql.ReleasesSql(Dialect, app: true), args);
    }

    [Fact]
    public async Task Stats_of_an_environment_reads_its_window_and_each_apps_last_release_before_through_indexes()
    {
        (string, object?)[] args = [("app", null), ("env", "production"), ("since", Now.AddDays(-30))];
        await AssertUsesAsync("deployments", "deployments_released", StatsSql.ReleasesSql(Dialect, app: false), args);
        await AssertUsesAsync("deployments", "deployments_live", StatsSql.ReleasesSql(Dialect, app: false), args);
    }

    [Fact]
    public Task The_approval_expiry_sweep_starts_from_the_deployments_not_yet_ended() =>
        AssertUsesAsync("deployments", "deployments_open", ApprovalSql.ExpireSql(Dialect), ("now", Now), ("platform", null));

    [Fact]
    public Task The_recovery_sweep_reads_running_and_kept_jobs_through_their_indexes() =>
        AssertIndexedAsync("jobs", QueueSql.RecoverSql(Dialect), ("platform", null));

    [Fact]
    public Task Retention_finds_the_next_deployment_to_prune_through_the_unpruned_index() =>
        AssertUsesAsync("deployments", "deployments_unpruned", RetentionSql.Next, ("cutoff", Now.AddDays(-90)));

    private protected abstract StoreDialect Dialect { get; }

    /// <summary>
    /// The seed, in words both databases read: 50 apps over a year (<c>@t0</c> plus <c>@step</c> per deployment, given as
    /// the dialect keeps times), most succeeded, some failed and tasks, a few not yet ended; a job and an audit row each,
    /// and an approval request (long expired) for one in twenty.
    /// </summary>
    protected static string Seed(string time) => $"""
        INSERT INTO deployments (app, env, number, kind, platform, conversation, user_id, user_name, state, created_at, started_at, finished_at)
        SELECT 'app' || (i % 50), CASE WHEN i % 3 = 0 THEN 'staging' ELSE 'production' END, i,
               CASE WHEN i % 10 = 0 THEN 'task' ELSE 'deploy' END, 'slack', 'C1', 'u', 'u',
               CASE WHEN i > {Deployments - 8} THEN (CASE i % 4 WHEN 0 THEN 'queued' WHEN 1 THEN 'running' WHEN 2 THEN 'awaiting_approval' ELSE 'waiting' END)
                    WHEN i % 7 = 0 THEN 'failed' ELSE 'succeeded' END,
               {time}, {time}, {time}
        FROM n;
        INSERT INTO jobs (kind, deployment_id, state, created_at) SELECT 'deploy', id, CASE WHEN state = 'queued' THEN 'queued' ELSE 'done' END, created_at FROM deployments;
        INSERT INTO audit (at, platform, conversation, user_id, user_name, command, app, result) SELECT created_at, 'slack', 'C1', 'u', 'u', 'deploy', app, 'ok' FROM deployments;
        INSERT INTO approval_requests (deployment_id, needed, expires_at, approvers) SELECT id, 1, created_at, '*' FROM deployments WHERE id % 20 = 0 OR state = 'awaiting_approval';
        """;
}

public sealed class SqliteQueryPlanTests : QueryPlanContract, IDisposable
{
    private readonly TempDir _dir = new("plans");
    private readonly Lazy<Task<string>> _seeded;

    public SqliteQueryPlanTests() => _seeded = new(SeedAsync);

    private protected override StoreDialect Dialect => SqliteDialect.Instance;

    private async Task<string> SeedAsync()
    {
        var path = _dir["plans.db"];
        using (var store = new SqliteDeploymentStore(path)) await store.MigrateAsync(default);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        var time = $"{Now.AddYears(-1).ToUnixTimeMilliseconds()} + i * {(long)TimeSpan.FromDays(365).TotalMilliseconds / Deployments}";
        await new SqliteSession(connection, null).ExecAsync(
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Deployments}) " + Seed(time).Replace("FROM n;", "FROM n;\n", StringComparison.Ordinal) + "ANALYZE;", default);
        return path;
    }

    protected override async Task<IReadOnlyList<string>> PlanAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        var path = await _seeded.Value;
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        return await new SqliteSession(connection, null).QueryAsync("EXPLAIN QUERY PLAN " + sql, (r, _) => r.GetString(3), default, parameters);
    }

    // "SCAN deployments" (or its alias) alone walks the table; "SCAN deployments USING INDEX x" walks a (partial) index only.
    // Every table these queries read grows with history, so no bare scan of any of them is right.
    protected override bool WalksAll(string line, string table)
    {
        var step = line.TrimStart('|', '`', '-', ' ');
        return step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.Contains("USING", StringComparison.Ordinal) && !step.Contains("CONSTANT ROW", StringComparison.Ordinal);
    }

    protected override bool UsesIndex(string line, string table) =>
        line.Contains($" {table} USING ", StringComparison.Ordinal) && line.Contains("INDEX", StringComparison.Ordinal);

    public void Dispose() => _dir.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresQueryPlanTests(PostgresFixture postgres) : QueryPlanContract, IAsyncLifetime
{
    private PostgresDeploymentStore? _store;

    private protected override StoreDialect Dialect => PostgresDialect.Instance;

    public async Task InitializeAsync()
    {
        _store = await postgres.NewStoreAsync();
        var time = $"@t0::timestamptz + i * interval '{365 * 24 * 60 / Deployments} minutes'";
        var session = new PostgresSession(_store.DataSource);
        foreach (var statement in Seed(time).Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var sql = statement.StartsWith("INSERT INTO deployments", StringComparison.Ordinal)
                ? $"WITH n(i) AS (SELECT generate_series(1, {Deployments})) {statement}"
                : statement;
            await session.ExecAsync(sql, default, ("t0", Now.AddYears(-1)));
        }
        await session.ExecAsync("ANALYZE", default);
    }

    protected override async Task<IReadOnlyList<string>> PlanAsync(string sql, params (string Name, object? Value)[] parameters) =>
        await new PostgresSession(_store!.DataSource).QueryAsync("EXPLAIN " + sql, (r, _) => r.GetString(0), default, parameters);

    protected override bool WalksAll(string line, string table) => line.Contains("Seq Scan on ", StringComparison.Ordinal);

    protected override bool UsesIndex(string line, string table) =>
        line.Contains("Index", StringComparison.Ordinal) && line.Contains($" on {table}", StringComparison.Ordinal);

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
