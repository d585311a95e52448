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
