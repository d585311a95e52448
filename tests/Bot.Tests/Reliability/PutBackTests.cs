using System.Net;
using System.Text.Json.Nodes;
using Bot.Tests.Support;

namespace Bot.Tests.Reliability;

/// <summary>
/// The bundled example app (a real HTTP server) deployed by the real bot binary: a deploy stopped after its
/// <c>Deploy</c> step started — cancelled in <c>chat</c> during Deploy or Health, or SIGKILLed during Health and
/// found on the next start — ends with the previous release's server answering its health URL and <c>status</c>
/// naming that release as live.
/// </summary>
public sealed class PutBackTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("putback");
    private readonly int _port = Ports.Free();
    private readonly Dictionary<string, string?> _env;
    private readonly string _repo;

    public PutBackTests()
    {
        _repo = Directory.CreateDirectory(_dir["example-app"]).FullName;
        var source = Path.Combine(RepoRoot.Path, "examples", "example-app");
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(_repo, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "examples", "bot.json")))!;
        var app = config["Apps"]!["example"]!;
        app["Repository"] = _repo;
        app["Url"] = $"http://127.0.0.1:{_port}/";
        app["Shell"]!["Port"] = _port;
        app["Shell"]!["HealthTimeout"] = "60s";
        File.WriteAllText(_dir["bot.json"], config.ToJsonString());
        _env = new() { ["BOT_CONFIG"] = _dir["bot.json"], ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
    }

    [Fact]
    public async Task Cancel_during_deploy_puts_the_previous_release_back()
    {
        var v1 = await DeployV1Async();
        // A Deploy that starts its server and then takes its time (a migration, a warm-up).
        var repo = new GitRepo(_repo);
        repo.Branch("slow");
        repo.Commit("Slow deploy", ("deploy.sh", File.ReadAllText(Path.Combine(_repo, "deploy.sh")) + "echo 'Warming up'\nsleep 60\n"));
        repo.Checkout("main");

        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        chat.Type("deploy example slow");
        await chat.WaitForOutputAsync("Warming up", Patience);
        chat.Type("cancel example");
        await chat.WaitForOutputAsync("production: cancelled", Patience);

        await AssertPutBackAsync(chat, v1, "Cancelled during the deploy step; slow@");
    }

    [Fact]
    public async Task Cancel_during_health_puts_the_previous_release_back()
    {
        var v1 = await DeployV1Async();

        using var chat = BotProcess.StartInteractive(_env, _dir.Path, "chat");
        chat.Type("deploy example broken");
        await chat.WaitForOutputAsync("▸ health", Patience);
        chat.Type("cancel example");
        await chat.WaitForOutputAsync("production: cancelled", Patience);

        await AssertPutBackAsync(chat, v1, "Cancelled during the health check; broken@");
    }

    [Fact]
    public async Task A_kill_during_health_is_put_back_by_the_next_start()
    {
        var v1 = await DeployV1Async();
        var v1Server = File.ReadAllText(ServerPidFile);

        using (var deploy = BotProcess.Start(_env, _dir.Path, null, "send", "deploy example broken"))
        {
            await deploy.WaitForOutputAsync("▸ health", Patience);
            deploy.KillHard();
        }
        // The broken release's server was started in place of v1's.
        Assert.NotEqual(v1Server, File.ReadAllText(ServerPidFile));

        var status = await BotProcess.RunAsync(_env, _dir.Path, "send", "status example");
        Assert.True(status.Code == 0, status.Stdout + status.Stderr);
        var text = Flat.Text(status.Stdout);
        // The whole answer on failure (Assert.Contains clips it), so a run that differs says how.
        Assert.True(text.Contains("example #2 → production: interrupted", StringComparison.Ordinal), text);
        Assert.True(text.Contains("The bot stopped during the health check, so this did not finish. The previous release " + v1, StringComparison.Ordinal), text);
        Assert.Equal((HttpStatusCode.OK, v1), await HealthAsync());
        Assert.Contains("✅ Live: #1 v1@", text);
        Assert.DoesNotContain("unknown", text);

        // Nothing is left holding the app: the next deploy goes ahead.
        var next = await BotProcess.RunAsync(_env, _dir.Path, "send", "deploy example main");
        Assert.True(next.Code == 0, next.Stdout + next.Stderr);
    }

    private async Task<string> DeployV1Async()
    {
        var first = await BotProcess.RunAsync(_env, _dir.Path, "send", "deploy example v1");
        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        var (status, release) = await HealthAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        return release;
    }

    private async Task AssertPutBackAsync(BotProcess chat, string v1, string stopped)
    {
        Assert.Equal((HttpStatusCode.OK, v1), await HealthAsync());
        chat.Type("status example");
        await chat.WaitForOutputAsync("Live: ", Patience);
        chat.Type("quit");
        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        var text = Flat.Text(chat.Stdout);
        Assert.Contains(stopped, text);
        Assert.Contains($"The previous release {v1} (#1 v1@", text);
        Assert.Contains("is back and healthy: it is what is live now.", text);
        Assert.Contains("✅ Live: #1 v1@", text);
        Assert.DoesNotContain("unknown", text);
    }

    /// <summary>The example's <c>/healthz</c>: its status code and which release answered.</summary>
    private async Task<(HttpStatusCode Status, string Release)> HealthAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync($"http://127.0.0.1:{_port}/healthz");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, (string)body["release"]!);
    }

    private string ServerPidFile => Path.Combine(_dir["data"], "apps", "example", "production", "shared", "server.pid");

    public void Dispose()
    {
        if (File.Exists(ServerPidFile) && int.TryParse(File.ReadAllText(ServerPidFile).Trim(), out var pid))
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* already stopped */ }
        }
        _dir.Dispose();
    }
}
