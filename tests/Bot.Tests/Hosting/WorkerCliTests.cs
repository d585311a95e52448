using Bot.Commands;
using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Hosting;

/// <summary>The real binary's <c>migrate</c>, <c>worker --drain</c> and <c>health</c>, the verbs the hosting files run.</summary>
public sealed class WorkerCliTests : IDisposable
{
    private readonly TempDir _dir = new("worker-cli");

    private Dictionary<string, string?> Env(params (string Key, string Value)[] settings)
    {
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        return env;
    }

    private Dictionary<string, string?> TwoApps()
    {
        var web = new GitRepo(_dir["web"]);
        web.Commit("Web", ("deploy.sh", "echo web deployed\n"));
        var api = new GitRepo(_dir["api"]);
        api.Commit("Api", ("deploy.sh", "echo api deployed\n"));
        return Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", web.Path), ("Apps:web:Shell:Deploy", "sh deploy.sh"),
            ("Apps:api:Target", "shell"), ("Apps:api:Repository", api.Path), ("Apps:api:Shell:Deploy", "sh deploy.sh"));
    }

    /// <summary>Queues deploys the way a web-only process does: through the command handler, with no worker in this process.</summary>
    private static async Task<List<long>> QueueAsync(Dictionary<string, string?> env, params string[] commands)
    {
        var settings = env.ToDictionary(p => p.Key.Replace("__", ":"), p => p.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var ids = new List<long>();
        await using (var services = new ServiceCollection().AddLogging().AddBotCore(configuration).BuildServiceProvider())
        {
            await services.GetRequiredService<BotStartup>().EnsureAsync(default);
            var handler = services.GetRequiredService<CommandHandler>();
            foreach (var text in commands)
            {
                var result = await handler.HandleAsync(new ChatRequest(new Origin("console", "console", null, "tester", "tester"), text), default);
                Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
                ids.Add(result.Started!.Id);
            }
        }
        SqliteConnection.ClearAllPools();
        return ids;
    }

    private async Task<List<Deployment>> StoredAsync(IEnumerable<long> ids)
    {
        using var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db"));
        var found = new List<Deployment>();
        foreach (var id in ids) found.Add((await store.GetAsync(id, default))!);
        SqliteConnection.ClearAllPools();
        return found;
    }

    [Fact]
    public async Task Migrate_creates_the_sqlite_store_says_so_in_one_line_and_can_run_again()
    {
        var first = await BotProcess.RunAsync(Env(), _dir.Path, "migrate");
        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        var line = Assert.Single(first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^Migrated the SQLite store at .*/data/bot\.db to schema version \d+\.$", line);

        var again = await BotProcess.RunAsync(Env(), _dir.Path, "migrate");
        Assert.Equal(0, again.Code);
        Assert.Equal(first.Stdout, again.Stdout);
        using var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db"));
        Assert.True(await store.PingAsync(default));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Migrate_with_an_unreachable_database_url_names_the_key_and_fails()
    {
        var port = Ports.Free();
        var result = await BotProcess.RunAsync(Env(("DATABASE_URL", $"postgres://bot:s3cret-pw@127.0.0.1:{port}/bot")), _dir.Path, "migrate");
        Assert.Equal(2, result.Code);
        Assert.StartsWith("Configuration error: DATABASE_URL: could not open the PostgreSQL database at 127.0.0.1:", result.Stderr.Trim());
        Assert.DoesNotContain("s3cret-pw", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Drain_with_nothing_queued_exits_at_once()
    {
        var result = await BotProcess.RunAsync(TwoApps(), _dir.Path, "worker", "--drain");
        Assert.True(result.Code == 0, result.Stdout + result.Stderr);
        Assert.Contains("Nothing was queued.", result.Stdout);
    }

    [Fact]
    public async Task Drain_runs_every_queued_deploy_then_exits()
    {
        var env = TwoApps();
        var ids = await QueueAsync(env, "deploy web", "deploy api");

        var result = await BotProcess.RunAsync(env, _dir.Path, "worker", "--drain");

        Assert.True(result.Code == 0, result.Stdout + result.Stderr);
        Assert.Contains($"Ran {ids.Count} queued job(s); nothing is left.", result.Stdout);
        Assert.All(await StoredAsync(ids), d => Assert.Equal(DeploymentState.Succeeded, d.State));
    }

    [Fact]
    public async Task Drain_marks_work_a_killed_process_left_running_interrupted_and_frees_its_lock()
    {
        var repo = new GitRepo(_dir["repo"]);
        repo.Commit("Slow", ("build.sh", "echo building\nsleep 300\n"), ("deploy.sh", "echo ok\n"));
        var env = Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", repo.Path), ("Apps:web:Shell:Build", "sh build.sh"), ("Apps:web:Shell:Deploy", "sh deploy.sh"));
        using (var send = BotProcess.Start(env, _dir.Path, null, "send", "deploy web"))
        {
            await send.WaitForOutputAsync("building", TimeSpan.FromSeconds(60));
            send.KillHard();
        }

        var result = await BotProcess.RunAsync(env, _dir.Path, "worker", "--drain");

        Assert.True(result.Code == 0, result.Stdout + result.Stderr);
        var stored = Assert.Single(await StoredAsync([1]));
        Assert.Equal(DeploymentState.Interrupted, stored.State);
        using var store = new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db"));
        Assert.Empty(await store.LocksAsync(null, default));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Health_is_zero_against_a_serve_and_one_when_nothing_answers()
    {
        var port = Ports.Free();
        var env = Env(("PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var down = await BotProcess.RunAsync(env, _dir.Path, "health");
        Assert.Equal(1, down.Code);
        Assert.Contains($"http://127.0.0.1:{port}/healthz: no answer", down.Stderr);

        using var serve = BotProcess.Start(env, _dir.Path, null, "serve", "--no-worker");
        await serve.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(60));
        // The first request of a fresh serve can take a while on a busy machine: the test gives it longer than the default.
        var up = await BotProcess.RunAsync(env, _dir.Path, "health", "--timeout", "60s");
        Assert.True(up.Code == 0, up.Stdout + up.Stderr);
        Assert.Equal($"http://127.0.0.1:{port}/healthz: 200 OK", up.Stdout.Trim());
        var byUrl = await BotProcess.RunAsync(Env(), _dir.Path, "health", "--url", $"http://127.0.0.1:{port}/", "--timeout", "60s");
        Assert.Equal(0, byUrl.Code);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    public async Task Health_with_a_timeout_that_is_not_one_says_how_to_write_it(string timeout)
    {
        var result = await BotProcess.RunAsync(Env(), _dir.Path, "health", "--timeout", timeout);
        Assert.Equal(2, result.Code);
        Assert.Equal($"'{timeout}' is not a timeout. Pass e.g. --timeout 3s.", result.Stderr.Split('\n')[0]);
    }

    public void Dispose() => _dir.Dispose();
}
