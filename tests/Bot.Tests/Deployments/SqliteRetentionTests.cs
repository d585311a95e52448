using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bot.Tests.Deployments;

/// <summary>SQLite's file gives back what retention removed (incremental vacuum), new or older stores alike.</summary>
public sealed class SqliteRetentionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("sqlite-retention");

    private static async Task<long> PragmaAsync(string path, string pragma)
    {
        await using var c = new SqliteConnection($"Data Source={path};Pooling=false");
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_file_shrinks_after_a_prune_and_the_incremental_vacuum()
    {
        var path = _dir["bot.db"];
        using var store = new SqliteDeploymentStore(path);
        await store.MigrateAsync(default);
        Assert.Equal(2, await PragmaAsync(path, "auto_vacuum"));
        var d = Assert.IsType<Enqueued>(await store.EnqueueAsync(new NewDeployment("web", "production", DeploymentKind.Deploy, "main", null, null,
            new Origin("slack", "C1", null, "U1", "alice"), null, false, T0.AddDays(-100)), default)).Deployment;
        var text = new string('x', 2000);
        for (var i = 0; i < 500; i++) await store.AppendEventAsync(d.Id, LineKind.Output, text, T0.AddDays(-100), default);
        await store.FinishAsync(d.Id, DeploymentState.Succeeded, null, null, null, T0.AddDays(-100), default);
        var full = await PragmaAsync(path, "page_count");

        while (await store.PruneOutputAsync(T0.AddDays(-90), "90d", T0, 100, default) is not { Lines: 0, Deployments: 0 }) { }
        var free = await PragmaAsync(path, "freelist_count");
        Assert.True(free > full / 2, $"{free} of {full} pages free after the prune");

        long given = 0;
        while (await store.ReclaimSpaceAsync(100, default) is > 0 and var pages) given += pages;
        Assert.Equal(free, given);
        Assert.Equal(0, await PragmaAsync(path, "freelist_count"));
        Assert.True(await PragmaAsync(path, "page_count") < full / 4, $"{await PragmaAsync(path, "page_count")} of {full} pages left");
        Assert.Equal("ok", await store.IntegrityCheckAsync(default));
    }

    [Fact]
    public async Task An_older_small_store_is_switched_to_incremental_vacuum_once_when_migrated()
    {
        var path = _dir["old.db"];
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await c.OpenAsync();
            await using var command = c.CreateCommand();
            command.CommandText = "CREATE TABLE kept_from_before (x TEXT); INSERT INTO kept_from_before VALUES ('still here')";
            await command.ExecuteNonQueryAsync();
        }
        Assert.Equal(0, await PragmaAsync(path, "auto_vacuum"));

        using var store = new SqliteDeploymentStore(path);
        await store.MigrateAsync(default);

        Assert.Equal(2, await PragmaAsync(path, "auto_vacuum"));
        var stats = await store.StatsAsync(default);
        Assert.Equal(1, stats.Tables.Single(t => t.Name == "kept_from_before").Rows);
        Assert.DoesNotContain("auto_vacuum", stats.Note ?? "");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
