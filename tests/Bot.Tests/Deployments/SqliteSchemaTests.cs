using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bot.Tests.Deployments;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempDir _dir = new("schema");

    private static async Task<List<string>> SchemaAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') FROM sqlite_master
            UNION ALL SELECT 'version ' || version FROM schema_version ORDER BY 1
            """;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    [Fact]
    public async Task A_new_store_made_in_one_step_has_exactly_the_schema_of_one_migrated_step_by_step()
    {
        using var stepwise = new SqliteDeploymentStore(_dir["stepwise.db"]);
        for (var steps = 1; steps <= SqliteSchema.Steps.Length; steps++)
            await stepwise.MigrateAsync(steps, default);
        using var whole = new SqliteDeploymentStore(_dir["whole.db"]);
        await whole.MigrateAsync(default);

        var expected = await SchemaAsync(_dir["stepwise.db"]);
        Assert.Equal(expected, await SchemaAsync(_dir["whole.db"]));
        Assert.Contains($"version {SqliteSchema.Steps[^1].Version}", expected);
        Assert.Contains(expected, row => row.StartsWith("index audit_delivery audit ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_old_store_is_brought_up_to_date_and_keeps_its_rows()
    {
        var path = _dir["old.db"];
        using (var old = new SqliteDeploymentStore(path))
            await old.MigrateAsync(3, default);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO audit (at, platform, conversation, user_id, user_name, command, app, result) VALUES (0, 'slack', 'C1', 'U1', 'alice', 'status', NULL, 'ok')";
            await insert.ExecuteNonQueryAsync();
        }
        using var store = new SqliteDeploymentStore(path);
        await store.MigrateAsync(default);
        await store.MigrateAsync(default);

        using var fresh = new SqliteDeploymentStore(_dir["fresh.db"]);
        await fresh.MigrateAsync(default);
        Assert.Equal(await SchemaAsync(_dir["fresh.db"]), await SchemaAsync(path));
        var entry = Assert.Single(await store.AuditLogAsync(null, 10, default));
        Assert.Equal(("alice", "status", null), (entry.UserName, entry.Command, entry.Outcome));
    }

    [Fact]
    public async Task Two_processes_starting_on_one_new_file_apply_each_step_once()
    {
        var path = _dir["shared.db"];
        using var first = new SqliteDeploymentStore(path);
        using var second = new SqliteDeploymentStore(path);
        await Task.WhenAll(Task.Run(() => first.MigrateAsync(default)), Task.Run(() => second.MigrateAsync(default)));

        var versions = (await SchemaAsync(path)).Where(r => r.StartsWith("version ", StringComparison.Ordinal)).ToList();
        Assert.Equal(SqliteSchema.Steps.Select(s => $"version {s.Version}").Order(StringComparer.Ordinal), versions);
        Assert.True(await second.PingAsync(default));
    }

    public void Dispose() => _dir.Dispose();
}
