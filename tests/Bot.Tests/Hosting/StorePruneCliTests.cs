using System.Text.Json;
using Bot.Deployments;
using Bot.Deployments.Retention;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary><c>bot store prune</c> as a real process: one retention run now, what it prints, and the lease it honours.</summary>
public sealed class StorePruneCliTests : IDisposable
{
    private readonly TempDir _dir = new("store-prune");

    private Dictionary<string, string?> Env() => new() { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };

    /// <summary>A deployment that finished <paramref name="daysAgo"/> days ago with <paramref name="lines"/> output lines.</summary>
    private async Task<long> FinishedAsync(SqliteDeploymentStore store, int daysAgo, int lines)
    {
        var finished = DateTimeOffset.UtcNow.AddDays(-daysAgo);
        var d = Assert.IsType<Enqueued>(await store.EnqueueAsync(new NewDeployment("web", "production", DeploymentKind.Deploy, "main", null, null,
            new Origin("slack", "C1", null, "U1", "alice"), null, false, finished.AddMinutes(-5)), default)).Deployment;
        for (var i = 0; i < lines; i++) await store.AppendEventAsync(d.Id, LineKind.Output, $"line {i}", finished, default);
        await store.FinishAsync(d.Id, DeploymentState.Succeeded, null, null, null, finished, default);
        return d.Id;
    }

    [Fact]
    public async Task Removes_the_old_output_now_and_says_what_went_as_text_and_json()
    {
        Directory.CreateDirectory(_dir["data"]);
        long old, recent, older;
        using (var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db")))
        {
            await store.MigrateAsync(default);
            old = await FinishedAsync(store, 100, 4);
            recent = await FinishedAsync(store, 10, 3);
        }

        var text = await BotProcess.RunAsync(Env(), _dir.Path, "store", "prune");

        Assert.True(text.Code == 0, text.Stdout + text.Stderr);
        Assert.Matches(@"^Removed 4 output lines of 1 deployments \(Retention:Output = 90d\) and 0 audit entries in \d+\.\d s; the file gave back \d+(\.\d)? [kM]?B\.$",
            text.Stdout.TrimEnd('\n'));
        using (var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db")))
        {
            Assert.NotNull((await store.GetAsync(old, default))!.OutputRemoved);
            Assert.Null((await store.GetAsync(recent, default))!.OutputRemoved);
            older = await FinishedAsync(store, 200, 2);
        }

        var json = await BotProcess.RunAsync(Env(), _dir.Path, "store", "prune", "--json");

        Assert.True(json.Code == 0, json.Stdout + json.Stderr);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(("SQLite", "90d", 2L, 1L, 0L), (root.GetProperty("kind").GetString(), root.GetProperty("output").GetString(),
            root.GetProperty("lines").GetInt64(), root.GetProperty("deployments").GetInt64(), root.GetProperty("audit_entries").GetInt64()));
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        using (var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db")))
            Assert.NotNull((await store.GetAsync(older, default))!.OutputRemoved);
    }

    [Fact]
    public async Task Leaves_the_store_alone_while_another_process_holds_the_turn()
    {
        Directory.CreateDirectory(_dir["data"]);
        long old;
        using (var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db")))
        {
            await store.MigrateAsync(default);
            old = await FinishedAsync(store, 100, 4);
            var other = new StoreLease(store, RetentionWorker.LeaseScope, RetentionWorker.LeaseKey, "elsewhere-1", TimeSpan.FromMinutes(10), TimeProvider.System);
            Assert.True(await other.HoldAsync(default));
        }

        var (code, stdout, stderr) = await BotProcess.RunAsync(Env(), _dir.Path, "store", "prune");

        Assert.Equal((1, ""), (code, stdout));
        Assert.Equal($"Another process is pruning {Path.Combine(_dir["data"], "bot.db")} now (it holds the retention lease); try again when it is done.", stderr.TrimEnd('\n'));
        using var again = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db"));
        Assert.Null((await again.GetAsync(old, default))!.OutputRemoved);
    }

    [Fact]
    public async Task Says_there_is_nothing_to_remove_when_retention_is_off()
    {
        var env = Env();
        env["Retention__Output"] = "off";

        var (code, stdout, stderr) = await BotProcess.RunAsync(env, _dir.Path, "store", "prune");

        Assert.True(code == 0, stderr);
        Assert.Equal($"Nothing to remove: Retention:Output is off and Retention:Audit is unset ({Path.Combine(_dir["data"], "bot.db")}).", stdout.TrimEnd('\n'));
    }

    public void Dispose() => _dir.Dispose();
}
