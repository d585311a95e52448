using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Deployments;

public class WorkerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_cancel_asked_for_in_another_process_reaches_the_job_at_its_next_lease_renewal()
    {
        var time = new FakeTimeProvider(T0);
        await using var bot = await TestBot.StartAsync(EngineTests.WebApp(), s => s.AddSingleton<TimeProvider>(time));
        bot.Fake.Hold = new TaskCompletionSource();
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Another replica only has the store: it sets the flag, it cannot reach this process's token.
        Assert.Equal(CancelOutcome.Signalled, await bot.Store.RequestCancelAsync(started.Id, time.GetUtcNow(), default));
        Assert.False(bot.Fake.WasCancelled);
        time.Advance(new WorkerOptions().RenewEvery);

        var done = await bot.WaitFinishedAsync(started.Id);
        Assert.Equal(DeploymentState.Cancelled, done.State);
        Assert.True(bot.Fake.WasCancelled);
    }

    [Fact]
    public async Task The_card_shows_time_from_the_injected_clock()
    {
        var time = new FakeTimeProvider(T0);
        await using var bot = await TestBot.StartAsync(EngineTests.WebApp(), s => s.AddSingleton<TimeProvider>(time));
        bot.Fake.Hold = new TaskCompletionSource();
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(95));
        Assert.Contains("· alice · 1m 35s", (await bot.SendAsync("status web")).Messages[0].Text);
        bot.Fake.Hold.SetResult();
        var done = await bot.WaitFinishedAsync(started.Id);
        Assert.Equal(TimeSpan.FromSeconds(95), done.FinishedAt - done.StartedAt);
    }

    [Fact]
    public async Task On_start_a_job_left_running_by_a_dead_process_is_marked_interrupted_and_its_conversation_told()
    {
        using var dir = new TempDir("crash");
        // What a crashed bot leaves behind: a running job owned by a process that no longer exists.
        var store = new SqliteDeploymentStore(Path.Combine(dir["data"], "bot.db"));
        await store.MigrateAsync(default);
        var origin = new Origin("test", "C1", null, "alice", "alice");
        var left = Assert.IsType<Enqueued>(await store.EnqueueAsync(new NewDeployment("web", "production", DeploymentKind.Deploy, "main", null, null, origin, null, false, T0), default)).Deployment;
        var waiting = Assert.IsType<Enqueued>(await store.EnqueueAsync(new NewDeployment("api", "production", DeploymentKind.Deploy, "main", null, null, origin, null, false, T0), default)).Deployment;
        await store.ClaimAsync($"{Environment.MachineName}:999999:1", T0, TimeSpan.FromHours(1), left.Id, default);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var bot = await TestBot.StartAsync(EngineTests.WebApp(), dir: dir);

        var interrupted = await bot.WaitFinishedAsync(left.Id);
        Assert.Equal(DeploymentState.Interrupted, interrupted.State);
        Assert.Contains("stopped while this was running", interrupted.Message);
        Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync(waiting.Id)).State);
        var card = Assert.Single(bot.Chat.Cards, c => c.Card.Deployment.Id == left.Id).Card;
        Assert.Equal("⚠️ web #1 → production: interrupted", card.Title);
        Assert.Contains(card.Actions, a => a.Command == "deploy web main to production");
        Assert.True((await bot.SendAsync("deploy web")).Ok);
    }

    [Fact]
    public async Task The_worker_starts_queued_work_without_waiting_for_its_idle_check()
    {
        await using var bot = await TestBot.StartAsync(EngineTests.WebApp(),
            s => s.AddSingleton(new WorkerOptions { IdleCheck = TimeSpan.FromHours(1) }));
        var first = await bot.DeployAsync("deploy web");
        var second = await bot.DeployAsync("deploy api");
        Assert.Equal((DeploymentState.Succeeded, DeploymentState.Succeeded), (first.State, second.State));
    }
}
