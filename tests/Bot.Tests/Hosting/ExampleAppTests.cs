using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary>The bundled example, driven through the real binary's <c>send</c> as the README does it.</summary>
public sealed class ExampleAppTests : IDisposable
{
    private readonly TempDir _dir = new("example");
    private readonly int _port = Ports.Free();
    private readonly Dictionary<string, string?> _env;

    public ExampleAppTests()
    {
        ExampleCopy.Write(_dir, _port);
        _env = new() { ["BOT_CONFIG"] = _dir["bot.json"], ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
    }

    private Task<(int Code, string Stdout, string Stderr)> SendAsync(string text) =>
        BotProcess.RunAsync(_env, _dir.Path, "send", text);

    private async Task<JsonObject> GetAsync()
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<JsonObject>($"http://127.0.0.1:{_port}/"))!;
    }

    [Fact]
    public async Task Deploy_logs_and_rollback_the_example_from_the_console()
    {
        var deploy = await SendAsync("deploy example main");
        Assert.True(deploy.Code == 0, deploy.Stdout + deploy.Stderr);
        Assert.Contains("tester> deploy example main", deploy.Stdout);
        Assert.Contains("✅ example #1 → production: live", deploy.Stdout);
        Assert.Contains("Friendlier greeting", deploy.Stdout);
        Assert.Equal("Hello from the example app, deployed by Deploybot.", (string?)(await GetAsync())["message"]);

        var logs = await SendAsync("logs example 20");
        Assert.Equal(0, logs.Code);
        Assert.Contains("listening on 127.0.0.1", logs.Stdout);

        var rollback = await SendAsync("rollback example");
        Assert.True(rollback.Code == 0, rollback.Stdout + rollback.Stderr);
        Assert.Contains("✅ example #2 → production: rolled back", rollback.Stdout);
        Assert.Equal("Hello, world!", (string?)(await GetAsync())["message"]);
    }

    [Fact]
    public async Task A_release_that_fails_its_health_check_is_replaced_by_the_previous_one()
    {
        Assert.Equal(0, (await SendAsync("deploy example v1")).Code);
        var broken = await SendAsync("deploy example broken");
        Assert.Equal(1, broken.Code);
        Assert.Contains("❌ example #2 → production: failed", broken.Stdout);
        Assert.Contains("The previous release 1-", Flat.Text(broken.Stdout));
        Assert.Equal("Hello, world!", (string?)(await GetAsync())["message"]);
    }

    [Fact]
    public async Task Mistakes_get_a_suggestion_and_a_non_zero_exit_code()
    {
        var typo = await SendAsync("dpeloy example");
        Assert.Equal(1, typo.Code);
        Assert.Contains("Did you mean `deploy`?", Flat.Text(typo.Stdout));
        var branch = await SendAsync("deploy example mian");
        Assert.Equal(1, branch.Code);
        Assert.Contains("Closest: `main`", Flat.Text(branch.Stdout));
    }

    [Fact]
    public async Task Config_set_in_the_console_reaches_the_app_and_its_value_is_written_nowhere_else()
    {
        const string secret = "s3cret-greeting-7Qx";
        Assert.Equal(0, (await SendAsync("deploy example")).Code);

        var set = await SendAsync($"config set example GREETING=\"{secret}\"");
        Assert.True(set.Code == 0, set.Stdout + set.Stderr);
        Assert.Contains("config: 1 set (GREETING)", Flat.Text(set.Stdout));
        Assert.Contains("GREETING: took off the quotes around it, as a shell would.", Flat.Text(set.Stdout));
        Assert.Equal(secret, (string?)(await GetAsync())["message"]);

        var list = await SendAsync("config example");
        Assert.Equal(0, list.Code);
        Assert.Matches("GREETING `[0-9a-f]{7}` · #2", Flat.Text(list.Stdout));

        var outputs = set.Stdout + set.Stderr + list.Stdout + list.Stderr;
        Assert.DoesNotContain(secret, outputs, StringComparison.Ordinal);
        // The store, the chat log and every other file the bot keeps; only the app's own env file holds it.
        var envFile = Path.Combine(_dir["data"], "apps", "example", "production", "config.env");
        Assert.Contains(secret, await File.ReadAllTextAsync(envFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        foreach (var file in Directory.EnumerateFiles(_dir["data"], "*", SearchOption.AllDirectories).Where(f => f != envFile && !f.Contains("/releases/", StringComparison.Ordinal)))
            Assert.False((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) >= 0, $"{file} holds the value");
    }

    [Fact]
    public async Task Run_example_migrate_streams_its_output_and_ends_with_the_exit_code()
    {
        Assert.Equal(0, (await SendAsync("deploy example")).Code);

        var run = await SendAsync("run example migrate");
        Assert.True(run.Code == 0, run.Stdout + run.Stderr);
        var text = Flat.Text(run.Stdout);
        Assert.Contains("Applying 0001_initial... OK", text);
        Assert.Contains("migrate exited with status 0", text);
        Assert.Contains("✅ example #2 → production: done", run.Stdout);

        Assert.Equal(0, (await SendAsync("config set example MIGRATE_FAIL=1")).Code);
        var failed = await SendAsync("run example migrate");
        Assert.Equal(1, failed.Code);
        Assert.Contains("❌ example #4 → production: failed", failed.Stdout);
        Assert.Contains("migrate exited with status 3", Flat.Text(failed.Stdout));
        Assert.Contains("0003_broken... FAILED", Flat.Text(failed.Stdout));

        var unknown = await SendAsync("run example migrat");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("Did you mean `migrate`?", Flat.Text(unknown.Stdout));
        // A task is not a release: a rollback still goes to the deploy before the live one, not to a task.
        var history = await SendAsync("history example");
        Assert.Contains("task migrate on main@", Flat.Text(history.Stdout));
    }

    public void Dispose()
    {
        var pidFile = Path.Combine(_dir["data"], "apps", "example", "production", "shared", "server.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* already stopped */ }
        }
        _dir.Dispose();
    }
}
