using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Targets.Config;
using Bot.Targets.Shell;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets;

/// <summary>
/// Config vars and tasks of a shell app through the bot's real services: set in a direct message, refused in a channel,
/// written to the app's env file and run with the live release, put back when health fails; tasks in the live release.
/// </summary>
public sealed class ShellConfigTests : IDisposable
{
    private const string Secret = "pa55-Wh1sper-9911";
    private static readonly Origin Dm = new("slack", "D42", null, "U7", "ana");
    private readonly TempDir _dir = new("shell-config");

    private Dictionary<string, string?> Config(ShellApp app, params (string, string)[] extra) => app.Config([
        ("Channels:0", "test:C1"),
        ("Shell:Health", "test \"$(cat \"$SHARED_DIR/live\")\" = \"$RELEASE\" && test \"${BREAK_HEALTH:-}\" != 1"),
        ("Tasks:migrate", "echo \"migrating $RELEASE with token $API_TOKEN\"; echo done"),
        ("Tasks:fail", "echo about to fail; exit 3"),
        .. extra]);

    private static Task<CommandResult> DmAsync(TestBot bot, string text, Origin? who = null) =>
        bot.Handler.HandleAsync(new ChatRequest(who ?? Dm, text), CancellationToken.None);

    private static string Said(CommandResult r) => string.Join("\n", r.Messages.Select(m => m.Text));

    [Fact]
    public async Task Set_in_a_direct_message_runs_the_live_release_with_the_value_and_nothing_the_bot_writes_holds_it()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app));
        var live = await bot.DeployAsync("deploy web v1");

        var set = await DmAsync(bot, $"config set web API_TOKEN={Secret} MODE=\"sale on\"");
        Assert.True(set.Ok, Said(set));
        Assert.Contains("config change #2 of web in production: 2 set (API_TOKEN, MODE). Its card is in web's channel.", Said(set));
        Assert.Contains("MODE: took off the quotes around it, as a shell would.", Said(set));
        var change = await bot.WaitFinishedAsync(set.Started!.Id);
        Assert.Equal((DeploymentKind.Config, DeploymentState.Succeeded, live.Sha, live.Release), (change.Kind, change.State, change.Sha, change.Release));
        Assert.Equal(("test", "C1", "slack:U7"), (change.Origin.Platform, change.Origin.Conversation, change.Origin.QualifiedUser));

        // The release ran again with the values; the env file is the owner's alone.
        var stepEnv = await File.ReadAllTextAsync(ShellApp.Shared(bot, "env.txt"));
        Assert.Contains($"API_TOKEN={Secret}", stepEnv);
        Assert.Contains("MODE=sale on", stepEnv);
        var envFile = Path.Combine(bot.DataDir, "apps", "web", "production", "config.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));

        var list = await bot.SendAsync("config web");
        Assert.Matches(@"• API_TOKEN `[0-9a-f]{7}` · #2, just now", Said(list));
        Assert.Matches(@"• MODE `[0-9a-f]{7}` · #2", Said(list));

        var task = await bot.SendAsync("run web migrate");
        var ran = await bot.WaitFinishedAsync(task.Started!.Id);
        Assert.Equal(DeploymentState.Succeeded, ran.State);

        // Every line the bot said or stored: cards, answers, the story of each deployment, the audit.
        var everything = new List<string> { Said(set), Said(list), Said(task) };
        everything.AddRange(bot.Chat.Sent.Select(s => s.Message.Text));
        everything.AddRange(bot.Chat.Cards.SelectMany(c => c.Card.RecentLines.Append(c.Card.Summary).Append(c.Card.Outcome ?? "")));
        foreach (var d in await bot.Store.ListAsync("web", null, 10, false, default))
        {
            everything.AddRange((await bot.Store.EventsAsync(d.Id, 0, 1000, default)).Select(e => e.Text));
            everything.Add($"{d.Subject} {d.Message}");
        }
        everything.AddRange((await bot.Store.AuditLogAsync(null, 50, default)).Select(a => $"{a.Command} {a.Result}"));
        Assert.Contains(everything, line => line.Contains("with token [redacted]", StringComparison.Ordinal));
        Assert.DoesNotContain(everything, line => line.Contains(Secret, StringComparison.Ordinal) || line.Contains("sale on", StringComparison.Ordinal));
        Assert.Contains(await bot.Store.AuditLogAsync(null, 50, default), a => a.Command == "config set web API_TOKEN=[redacted] MODE=[redacted]");
    }

    [Fact]
    public async Task Set_in_a_channel_is_refused_without_echoing_and_changes_nothing()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app));
        var refused = await bot.SendAsync($"config set web API_TOKEN={Secret}");
        Assert.False(refused.Ok);
        Assert.StartsWith("Config values are never set in a channel, where everyone would read them: send `config set web API_TOKEN=…` to me in a direct message.", Said(refused));
        Assert.DoesNotContain(Secret, Said(refused), StringComparison.Ordinal);
        Assert.Empty(await bot.Store.ListAsync("web", null, 10, false, default));
        Assert.False(File.Exists(Path.Combine(bot.DataDir, "apps", "web", "production", "config.env")));
    }

    [Fact]
    public async Task A_change_whose_health_check_fails_puts_the_old_file_and_the_release_back()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app, ("Shell:HealthTimeout", "1s")));
        await bot.DeployAsync("deploy web v1");
        Assert.True((await DmAsync(bot, "config set web KEEP=1")).Ok);
        await bot.WaitFinishedAsync((await bot.Store.ListAsync("web", null, 1, false, default))[0].Id);

        var broken = await DmAsync(bot, "config set web BREAK_HEALTH=1");
        var failed = await bot.WaitFinishedAsync(broken.Started!.Id);
        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Contains("Health check failed", failed.Message);
        Assert.Contains("The previous values are back in the env file.", failed.Message);
        Assert.Contains("is back and healthy: it is what is live now.", failed.Message);

        var list = Said(await bot.SendAsync("config web"));
        Assert.Contains("• KEEP", list);
        Assert.DoesNotContain("BREAK_HEALTH", list);
        Assert.DoesNotContain("BREAK_HEALTH=1", await File.ReadAllTextAsync(ShellApp.Shared(bot, "env.txt")));
    }

    [Fact]
    public async Task A_change_cut_off_by_a_kill_is_undone_by_the_put_back_that_finds_it()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app));
        var live = await bot.DeployAsync("deploy web v1");
        Assert.True((await DmAsync(bot, "config set web KEEP=1")).Ok);
        await bot.WaitFinishedAsync((await bot.Store.ListAsync("web", null, 1, false, default))[0].Id);
        var env = bot.Services.GetRequiredService<AppCatalog>().Find("web")!.For("production");
        var shell = bot.Services.GetServices<IDeployTarget>().OfType<ShellTarget>().Single();

        // The process dies once the change has started going live: its enumerator is never finished nor disposed.
        var change = new ConfigChangeRequest(env, 9, new ConfigChange(new Dictionary<string, string> { ["KEEP"] = "2", ["NEW"] = "x" }, []));
        var steps = shell.ChangeConfigAsync(change, default).GetAsyncEnumerator();
        while (await steps.MoveNextAsync() && steps.Current is not GoingLive) { }
        Assert.Contains("NEW", Said(await bot.SendAsync("config web")));

        var putBack = new List<DeployEvent>();
        await foreach (var e in shell.PutBackAsync(env, live.Release!, default)) putBack.Add(e);
        Assert.Contains(putBack, e => e is Notice { Text: "The config values from before the unfinished change are back in the env file." });
        var list = Said(await bot.SendAsync("config web"));
        Assert.DoesNotContain("NEW", list);
        Assert.Contains("KEEP=1", await File.ReadAllTextAsync(ShellApp.Shared(bot, "env.txt")));
    }

    [Fact]
    public async Task Config_editors_and_runners_are_their_own_lists()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app, ("ConfigEditors:0", "slack:U1"), ("Runners:0", "test:bob")));
        var set = await DmAsync(bot, "config set web A=1");
        Assert.False(set.Ok);
        Assert.Contains("Only `Apps:web:ConfigEditors` may change the config of web in production", Said(set));
        Assert.True((await DmAsync(bot, "config set web A=1", Dm with { UserId = "U1" })).Ok);

        var run = await bot.SendAsync("run web migrate");
        Assert.Contains("Only `Apps:web:Runners` may run tasks of web in production", Said(run));
    }

    [Fact]
    public async Task A_task_streams_its_output_a_failure_gives_the_exit_status_and_an_unknown_one_lists_them()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(Config(app));
        var nothingLive = await bot.WaitFinishedAsync((await bot.SendAsync("run web migrate")).Started!.Id);
        Assert.Contains("No release of web is live in production", nothingLive.Message);

        var deploy = await bot.DeployAsync("deploy web v1");
        var ok = await bot.WaitFinishedAsync((await bot.SendAsync("run web migrate")).Started!.Id);
        Assert.Equal(DeploymentState.Succeeded, ok.State);
        var lines = (await bot.Store.EventsAsync(ok.Id, 0, 100, default)).Select(e => e.Text).ToList();
        Assert.Contains($"migrating {deploy.Release} with token ", lines);
        Assert.Contains(lines, l => l.StartsWith("migrate exited with status 0 after", StringComparison.Ordinal));

        var fail = await bot.WaitFinishedAsync((await bot.SendAsync("run web fail")).Started!.Id);
        Assert.Equal(DeploymentState.Failed, fail.State);
        Assert.StartsWith("fail exited with status 3 after", fail.Message);
        Assert.Contains("about to fail", (await bot.Store.EventsAsync(fail.Id, 0, 100, default)).Select(e => e.Text));

        var unknown = await bot.SendAsync("run web migrat");
        Assert.Equal("web has no task `migrat`. Did you mean `migrate`? Its tasks: `fail`, `migrate`.", Said(unknown));
        Assert.Equal(["run fail", "run migrate"], unknown.Messages[0].ActionList.Select(a => a.Label));
        Assert.Equal(deploy.Id, (await bot.Store.SucceededAsync("web", "production", 1, default))[0].Id);
    }

    public void Dispose() => _dir.Dispose();
}
