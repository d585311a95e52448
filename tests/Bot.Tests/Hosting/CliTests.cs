using Bot.Deployments.Sqlite;
using Bot.Processes;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new("cli");

    private Dictionary<string, string?> Env(params (string Key, string Value)[] settings)
    {
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester" };
        foreach (var (k, v) in settings) env[k.Replace(":", "__")] = v;
        return env;
    }

    [Theory]
    [InlineData("Apps:web:Target", "kubernetes", "Configuration error: Apps:web:Target: 'kubernetes' is not a target kind; expected one of")]
    [InlineData("Apps:web:Url", "not a url", "Configuration error: Apps:web:Url: 'not a url' is not an absolute URL")]
    public async Task A_wrong_config_key_stops_startup_with_one_line_naming_it(string key, string value, string expected)
    {
        var (code, stdout, stderr) = await BotProcess.RunAsync(Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", "/tmp"), ("Apps:web:Shell:Deploy", "true"), (key, value)), _dir.Path, "send", "status");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line);
    }

    [Fact]
    public async Task A_missing_shell_command_is_named_with_its_full_key()
    {
        var (code, _, stderr) = await BotProcess.RunAsync(Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", "/tmp")), _dir.Path, "send", "status");
        Assert.Equal(2, code);
        Assert.StartsWith("Configuration error: Apps:web:Shell:Deploy: missing", stderr.Trim());
    }

    [Fact]
    public async Task A_config_file_that_does_not_exist_is_named()
    {
        var (code, _, stderr) = await BotProcess.RunAsync(Env(), _dir.Path, "send", "status", "--config", "nope.json");
        Assert.Equal(2, code);
        Assert.Contains("nope.json does not exist", stderr);
    }

    [Fact]
    public async Task Help_and_unknown_commands()
    {
        var help = await BotProcess.RunAsync(Env(), _dir.Path, "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("send \"<text>\"", help.Stdout);
        var wrong = await BotProcess.RunAsync(Env(), _dir.Path, "sned", "status");
        Assert.Equal(2, wrong.Code);
        Assert.Contains("Unknown command 'sned'", wrong.Stderr);
    }

    [Fact]
    public async Task After_a_crash_mid_deploy_the_steps_end_with_the_bot_and_the_restart_reports_interrupted_and_frees_the_lock()
    {
        var repo = new GitRepo(_dir["repo"]);
        repo.Commit("Slow", ("build.sh", "echo building\nsleep 300 &\necho $! > \"$SHARED_DIR/child.pid\"\nwait\n"), ("deploy.sh", "echo ok\n"));
        repo.Tag("slow");
        repo.Commit("Fast", ("build.sh", "echo fast\n"));
        var env = Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", repo.Path), ("Apps:web:Shell:Build", "sh build.sh"), ("Apps:web:Shell:Deploy", "sh deploy.sh"));

        using (var first = BotProcess.Start(env, _dir.Path, null, "send", "deploy web slow"))
        {
            await first.WaitForOutputAsync("building", TimeSpan.FromSeconds(60));
            first.KillHard();
        }
        var child = int.Parse(File.ReadAllText(Path.Combine(_dir["data"], "apps", "web", "production", "shared", "child.pid")).Trim());
        // The step watches its runner: with the bot gone, what the step started ends by itself, before any restart.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (ChildProcess.StartTicks(child) is not null) await Task.Delay(20, patience.Token);

        var status = await BotProcess.RunAsync(env, _dir.Path, "send", "status web");
        Assert.Equal(0, status.Code);
        Assert.Contains("⚠️ web #1 → production: interrupted", status.Stdout);
        Assert.Contains("The bot stopped while this was running", Flat.Text(status.Stdout));
        Assert.DoesNotContain("⏳", status.Stdout.Split("tester> status web")[1]);
        Assert.Null(ChildProcess.StartTicks(child));

        var again = await BotProcess.RunAsync(env, _dir.Path, "send", "deploy web main");
        Assert.True(again.Code == 0, again.Stdout + again.Stderr);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal("ok", await new SqliteDeploymentStore(Path.Combine(_dir["data"], "bot.db")).IntegrityCheckAsync(default));
    }

    [Fact]
    public async Task Chat_reads_commands_from_the_terminal_until_quit()
    {
        var repo = new GitRepo(_dir["repo"]);
        repo.Commit("App", ("deploy.sh", "echo deployed\n"));
        var env = Env(("Apps:web:Target", "shell"), ("Apps:web:Repository", repo.Path), ("Apps:web:Shell:Deploy", "sh deploy.sh"));
        using var chat = BotProcess.Start(env, _dir.Path, "deploy web\nsttaus\nquit\n", "chat");
        Assert.Equal(0, await chat.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Deploybot console. You are tester. Apps: web.", chat.Stdout);
        Assert.Contains("Did you mean `status`?", Flat.Text(chat.Stdout));
        Assert.Contains("✅ web #1 → production: live", chat.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
