using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Deployments;

/// <summary>
/// The runner puts back what served before once a target said it was going live, whichever way the deployment
/// then ends but success; the card says what is live now, and <c>status</c> says "unknown" while nobody knows.
/// </summary>
public sealed class PutBackRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Web = new()
    {
        ["Apps:web:Target"] = "live",
        ["Apps:web:Url"] = "http://web.test/",
    };

    private readonly FakeTimeProvider _time = new(T0);
    private readonly LiveTarget _target = new();

    private Task<TestBot> StartAsync(bool worker = true, TempDir? dir = null) => TestBot.StartAsync(Web, s =>
    {
        s.AddSingleton<TimeProvider>(_time);
        s.AddSingleton<Bot.Targets.IDeployTarget>(_target);
    }, worker, dir);

    private static async Task<string> StatusAsync(TestBot bot) => (await bot.SendAsync("status web")).Messages[0].Text;

    [Fact]
    public async Task A_cancel_after_going_live_puts_the_previous_release_back_and_says_so()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        _target.HoldHealth = new TaskCompletionSource();
        var second = (await bot.SendAsync("deploy web")).Started!;
        await _target.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("r2", _target.Serving);

        await bot.SendAsync("cancel web");
        var done = await bot.WaitFinishedAsync(second.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        Assert.Equal("Cancelled during the health check; default branch was stopped. The previous release r1 (#1 default branch) is back and healthy: it is what is live now.", done.Message);
        Assert.Equal(["r1"], _target.PutBacks);
        Assert.Equal("r1", _target.Serving);
        Assert.Equal(done.Message, bot.Chat.Cards.Last().Card.Outcome);
        Assert.Contains("✅ Live: #1", await StatusAsync(bot));
        Assert.Empty(await bot.Store.LocksAsync("web", default));
    }

    [Fact]
    public async Task A_failure_after_going_live_puts_back_and_keeps_the_hint_last()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        _target.FailWith = "Health check failed for 20s.";

        var done = await bot.DeployAsync("deploy web");

        Assert.Equal("Health check failed for 20s. The previous release r1 (#1 default branch) is back and healthy: it is what is live now. Fix it and deploy again.", done.Message);
        Assert.Equal("r1", _target.Serving);
    }

    [Fact]
    public async Task A_failure_before_the_new_release_served_says_the_previous_one_is_still_live_untouched()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        _target.FailBeforeServing = "The release phase of r2 failed, so r2 did not go live.";

        var done = await bot.DeployAsync("deploy web");

        Assert.Equal("The release phase of r2 failed, so r2 did not go live. The previous release r1 (#1 default branch) is still live, untouched: the new one never replaced it. Fix it and deploy again.", done.Message);
        Assert.DoesNotContain("is back", done.Message);
        Assert.Equal("r1", _target.Serving);
        Assert.DoesNotContain("restore", (await bot.Store.EventsAsync(done.Id, 0, 100, default)).Select(e => e.Text));
        Assert.Contains("✅ Live: #1", await StatusAsync(bot));
    }

    [Fact]
    public async Task A_put_back_with_no_health_check_says_the_release_is_back_not_that_it_is_healthy()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        (_target.FailWith, _target.PutBackChecks) = ("Deploy step failed (exit code 1 after 1s).", false);

        var done = await bot.DeployAsync("deploy web");

        Assert.Equal("Deploy step failed (exit code 1 after 1s). The previous release r1 (#1 default branch) is back: it is what is live now. Fix it and deploy again.", done.Message);
        Assert.Equal("r1", _target.Serving);
    }

    [Fact]
    public async Task A_cancel_before_going_live_changes_nothing_and_says_so()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        _target.HoldBuild = new TaskCompletionSource();
        var second = (await bot.SendAsync("deploy web")).Started!;
        await _target.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await bot.SendAsync("cancel web");
        var done = await bot.WaitFinishedAsync(second.Id);

        Assert.Equal("Cancelled during the build step; default branch was stopped. Nothing had changed yet: what was live still is.", done.Message);
        Assert.Empty(_target.PutBacks);
        Assert.Contains("✅ Live: #1", await StatusAsync(bot));
    }

    [Fact]
    public async Task With_nothing_to_put_back_the_card_and_status_say_the_app_may_be_down_until_a_deploy_succeeds()
    {
        await using var bot = await StartAsync();
        _target.FailWith = "Health check failed for 20s.";

        var first = await bot.DeployAsync("deploy web");

        Assert.Contains("There was no earlier release to put back, so web may be down: check http://web.test/ and `logs web`.", first.Message);
        Assert.Contains("⚠️ Live: unknown — last deploy #1 failed during the health check. There was no earlier release to put back", await StatusAsync(bot));
        Assert.Contains("`web` production: ⚠️ unknown — last deploy #1 failed", (await bot.SendAsync("status")).Messages[0].Text);

        _target.FailWith = null;
        await bot.DeployAsync("deploy web");
        var status = await StatusAsync(bot);
        Assert.Contains("✅ Live: #2", status);
        Assert.DoesNotContain("unknown", status);
    }

    [Fact]
    public async Task A_put_back_that_fails_leaves_status_unknown()
    {
        await using var bot = await StartAsync();
        await bot.DeployAsync("deploy web");
        (_target.FailWith, _target.PutBackFails) = ("Health check failed for 20s.", "r1 did not come up either.");

        var done = await bot.DeployAsync("deploy web");

        Assert.Contains("r1 did not come up either. web may be down: check http://web.test/ and `logs web`.", done.Message);
        Assert.Contains("⚠️ Live: unknown — last deploy #2 failed during the health check. r1 did not come up either", await StatusAsync(bot));
    }

    [Fact]
    public async Task A_shutdown_after_going_live_puts_back_before_the_deployment_ends()
    {
        await using var bot = await StartAsync(worker: false);
        _target.Serving = "r0";
        _target.HoldHealth = new TaskCompletionSource();
        var queued = (await bot.SendAsync("deploy web")).Started!;
        await bot.Store.ClaimAsync("me", T0, TimeSpan.FromMinutes(1), queued.Id, default);
        using var stopping = new CancellationTokenSource();
        var run = bot.Services.GetRequiredService<DeploymentRunner>().RunAsync(queued.Id, CancellationToken.None, stopping.Token);
        await _target.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await stopping.CancelAsync();
        var done = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeploymentState.Interrupted, done.State);
        Assert.Equal("The bot was shut down during the health check, so this did not finish. The previous release r0 is back and healthy: it is what is live now.", done.Message);
        Assert.Equal("r0", _target.Serving);
    }

    [Fact]
    public async Task On_start_a_deploy_a_dead_process_left_going_live_is_put_back_holding_its_lock()
    {
        var dir = new TempDir("putback");
        // What a bot killed during the health check of #2 leaves: #1 live, #2 running and going live, r2 serving.
        using (var store = new SqliteDeploymentStore(Path.Combine(dir["data"], "bot.db")))
        {
            await store.MigrateAsync(default);
            var origin = new Origin("test", "C1", null, "alice", "alice");
            NewDeployment New() => new("web", "production", DeploymentKind.Deploy, null, null, null, origin, null, false, T0);
            var first = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default)).Deployment;
            await store.ClaimAsync("old", T0, TimeSpan.FromMinutes(1), first.Id, default);
            await store.FinishAsync(first.Id, DeploymentState.Succeeded, null, "r1", null, T0, default);
            var second = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default)).Deployment;
            // Its lease ran out before this start (the clock here starts at T0).
            await store.ClaimAsync("dead", T0.AddHours(-1), TimeSpan.FromMinutes(1), second.Id, default);
            await store.MarkGoingLiveAsync(second.Id, "r1", default);
            await store.SetNoteAsync(ServingNote.Scope, ServingNote.Key("web", "production"), new ServingNote(second.Id, "health", null).Format(), T0, default);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        (_target.Serving, _target.HoldPutBack) = ("r2", new TaskCompletionSource());

        await using var bot = await StartAsync(dir: dir);
        await _target.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["r1"], _target.PutBacks);
        Assert.Contains("⚠️ Live: unknown — last deploy #2 was interrupted during the health check; the previous release is being put back", await StatusAsync(bot));
        Assert.False((await bot.SendAsync("deploy web")).Ok);

        using var updates = bot.Feed.Subscribe();
        _target.HoldPutBack.SetResult();
        while (await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)) is var u && !(u.Deployment.Number == 2 && u.Deployment.Message!.Contains("is back"))) { }

        var stopped = (await bot.Store.FindAsync("web", 2, default))!;
        Assert.Equal("The bot stopped during the health check, so this did not finish. The previous release r1 (#1 default branch) is back and healthy: it is what is live now.", stopped.Message);
        Assert.Equal("r1", _target.Serving);
        Assert.Contains("✅ Live: #1", await StatusAsync(bot));
        Assert.True((await bot.SendAsync("deploy web")).Ok);
    }
}
