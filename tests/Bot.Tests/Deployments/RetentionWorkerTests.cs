using Bot.Deployments;
using Bot.Deployments.Retention;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Deployments;

/// <summary>The retention worker on a clock the test moves: when it runs, what it logs, and that one process runs at a time.</summary>
public sealed class RetentionWorkerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("retention");
    private readonly WatchedTime _time = new(T0);
    private readonly SqliteDeploymentStore _store;
    private readonly ListLogger<RetentionWorker> _log = new();

    public RetentionWorkerTests()
    {
        _store = new SqliteDeploymentStore(_dir["bot.db"]);
        _store.MigrateAsync(default).GetAwaiter().GetResult();
    }

    private async Task<Deployment> OldAsync(string app, int lines, DateTimeOffset finished)
    {
        var d = Assert.IsType<Enqueued>(await _store.EnqueueAsync(new NewDeployment(app, "production", DeploymentKind.Deploy, "main", null, null,
            new Origin("slack", "C1", null, "U1", "alice"), null, false, finished.AddMinutes(-5)), default)).Deployment;
        for (var i = 0; i < lines; i++) await _store.AppendEventAsync(d.Id, LineKind.Output, $"line {i}", finished, default);
        await _store.FinishAsync(d.Id, DeploymentState.Succeeded, null, null, null, finished, default);
        return d;
    }

    private RetentionWorker Worker(RetentionOptions options) =>
        new(options, _store, new WorkerIdentity(Environment.ProcessId), _time, _log);

    [Fact]
    public async Task Runs_a_minute_after_start_then_every_hour_and_logs_one_line_per_run()
    {
        var first = await OldAsync("web", 3, T0.AddDays(-91));
        // Whole share of the writer: no pause between steps, so the only timers are the schedule's.
        using var worker = Worker(RetentionOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()) with { WriterShare = 1 });
        await worker.StartAsync(default);

        Assert.Equal(TimeSpan.FromMinutes(1), await _time.NextTimerAsync());
        Assert.Null((await _store.GetAsync(first.Id, default))!.OutputRemoved);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromHours(1), await _time.TimerAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        Assert.Equal(new OutputRemoval(T0.AddMinutes(1), "90d"), (await _store.GetAsync(first.Id, default))!.OutputRemoved);
        var line = Assert.Single(_log.Lines, l => l.Level == LogLevel.Information);
        Assert.StartsWith("Retention: removed 3 output lines of 1 deployments (Retention:Output = 90d), 0 audit entries (Retention:Audit = kept), gave back ", line.Text);

        // One that reaches 90 days in the next hour goes in the next run.
        var second = await OldAsync("api", 2, T0.AddDays(-90).AddMinutes(30));
        _time.Advance(TimeSpan.FromHours(1));
        await _time.TimerAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.NotNull((await _store.GetAsync(second.Id, default))!.OutputRemoved);
        Assert.Equal(2, _log.Lines.Count(l => l.Level == LogLevel.Information));
        Assert.Contains("removed 2 output lines of 1 deployments", _log.Lines.Last().Text);
        await worker.StopAsync(default);
    }

    [Fact]
    public async Task Off_keeps_everything_and_starts_no_timer()
    {
        await OldAsync("web", 3, T0.AddDays(-400));
        using var worker = Worker(new RetentionOptions(null, "off", null));
        await worker.StartAsync(default);
        await worker.ExecuteTask!;
        Assert.Equal(5, (await _store.StatsAsync(default)).Tables.Single(t => t.Name == "deployment_events").Rows);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task Waits_while_another_live_process_holds_the_turn_and_takes_it_once_that_lease_runs_out()
    {
        var d = await OldAsync("web", 4, T0.AddDays(-100));
        var options = new RetentionOptions(TimeSpan.FromDays(90), "90d", TimeSpan.FromDays(30));
        await _store.SetNoteAsync(RetentionWorker.LeaseScope, RetentionWorker.LeaseKey, $"elsewhere:1:1 {(T0 + options.Lease).ToUnixTimeMilliseconds()}", T0, default);
        using var worker = Worker(options);

        Assert.Null(await worker.RunOnceAsync(default));
        Assert.Null((await _store.GetAsync(d.Id, default))!.OutputRemoved);

        _time.Advance(options.Lease + TimeSpan.FromSeconds(1));
        var running = worker.RunOnceAsync(default);
        // Between steps it leaves the writer to requests for nine times as long as the step took, on the clock.
        while (await Task.WhenAny(running, _time.NextTimerAsync()) != running)
            _time.Advance(TimeSpan.FromSeconds(1));
        var run = await running;
        Assert.Equal((4L, 1L, 0L), (run!.Lines, run.Deployments, run.AuditEntries));
        // Let go when done: the next run, here or anywhere, takes it at once.
        Assert.Equal("", await _store.GetNoteAsync(RetentionWorker.LeaseScope, RetentionWorker.LeaseKey, default));
        Assert.Equal(new RetentionRun(0, 0, 0, 0), await worker.RunOnceAsync(default));
        Assert.True(_time.GetUtcNow() > T0 + options.Lease + TimeSpan.FromSeconds(1), "a pause after the step that removed lines");
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
