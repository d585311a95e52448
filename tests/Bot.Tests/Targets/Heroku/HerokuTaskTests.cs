using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Targets.Heroku;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// <c>run web migrate</c> on Heroku: a detached one-off dyno whose log session is the task's output and says how it
/// exited, against the fake Platform API; a lost stream, the time limit and a cancel, on a clock the test moves.
/// </summary>
public sealed class HerokuTaskTests : IAsyncLifetime
{
    private HerokuRig _rig = null!;
    private readonly WatchedTime _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync() => _rig = await HerokuRig.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:web:Tasks:migrate"] = "python manage.py migrate",
        ["Apps:web:Tasks:slow:Command"] = "python manage.py rebuild_index",
        ["Apps:web:Tasks:slow:Timeout"] = "1m",
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private AppEnvConfig Web => _rig.Bot.Services.GetRequiredService<AppCatalog>().Find("web")!.ByEnv["production"];

    /// <summary>The target on <see cref="_time"/>, which stands still until the test moves it.</summary>
    private HerokuTarget TargetOnTestClock()
    {
        var s = _rig.Bot.Services;
        return new HerokuTarget(s.GetRequiredService<HerokuApi>(), s.GetRequiredService<HerokuSources>(), s.GetRequiredService<HerokuOptions>(), _time);
    }

    private TaskRequest Request(string task) => new(Web, 3, Web.Tasks[task], null, "alice");

    /// <summary>Runs the task to its end, moving the clock by <paramref name="step"/> each time the target waits on it.</summary>
    private async Task<(List<DeployEvent> Events, Exception? Error)> RunAsync(HerokuTarget target, string task, TimeSpan step)
    {
        var events = new List<DeployEvent>();
        var run = Task.Run(async () =>
        {
            await foreach (var e in target.RunTaskAsync(Request(task), default)) lock (events) events.Add(e);
        });
        while (!run.IsCompleted)
        {
            var timer = _time.NextTimerAsync();
            await Task.WhenAny(run, timer);
            if (timer.IsCompletedSuccessfully) _time.Advance(step);
        }
        Exception? error = null;
        try { await run; }
        catch (Exception e) { error = e; }
        return (events, error);
    }

    [Fact]
    public async Task A_task_runs_in_a_detached_dyno_and_its_output_streams_until_it_exits_with_status_0()
    {
        var result = await _rig.Bot.SendAsync("run web migrate");
        Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
        var d = await _rig.Bot.WaitFinishedAsync(result.Started!.Id);

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal(DeploymentKind.Task, d.Kind);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("Running `python manage.py migrate` on acme-web in the one-off dyno run.1001 (v123).", events);
        var output = events.IndexOf("Running migrations...");
        Assert.True(output >= 0 && events[output + 1] == "Applied 3 migrations.", string.Join('\n', events));
        Assert.True(events.IndexOf("migrate exited with status 0.") > output);
        Assert.DoesNotContain(events, e => e.Contains("State changed", StringComparison.Ordinal) || e.Contains("Starting process", StringComparison.Ordinal));
        var dyno = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/dynos"), c => c.Path == "/apps/acme-web/dynos");
        Assert.Equal("""{"command":"python manage.py migrate","attach":false,"type":"run","time_to_live":1800}""", dyno.Body!.ToJsonString());
        var session = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/log-sessions"));
        Assert.Equal("""{"lines":1500,"tail":true,"dyno_name":"run.1001"}""", session.Body!.ToJsonString());
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/dynos/run.1001/actions/stop"));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_that_exits_non_zero_fails_with_its_exit_status_and_where_to_read_more()
    {
        _rig.Heroku.NextRun = new RunScript(["Running migrations...", "django.db.utils.ProgrammingError: relation \"users\" does not exist"], ExitCode: 1);

        var result = await _rig.Bot.SendAsync("run web migrate");
        var d = await _rig.Bot.WaitFinishedAsync(result.Started!.Id);

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.StartsWith("migrate exited with status 1. Type `logs web dyno run.1001` shows its output", d.Message);
        Assert.Contains("`run web migrate` again", d.Message);
        Assert.Contains("django.db.utils.ProgrammingError: relation \"users\" does not exist", await _rig.EventsAsync(d.Id));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_lost_log_stream_does_not_hang_the_task_the_dyno_is_looked_at_and_its_exit_read_from_the_logs()
    {
        _rig.Heroku.NextRun = new RunScript(DropsStream: true);

        var (events, error) = await RunAsync(TargetOnTestClock(), "migrate", HerokuTarget.PollInterval);

        Assert.Null(error);
        Assert.Contains(new OutputLine("Applied 3 migrations."), events);
        Assert.Contains(new Notice("migrate exited with status 0."), events);
        Assert.NotEmpty(_rig.Heroku.Calls("GET", "/apps/acme-web/dynos/run.1001"));
        var sessions = _rig.Heroku.Calls("POST", "/apps/acme-web/log-sessions");
        Assert.Equal([true, false], sessions.Select(s => s.Body!["tail"]!.GetValue<bool>()));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_past_its_timeout_is_stopped_and_fails_saying_so()
    {
        _rig.Heroku.NextRun = new RunScript(["Rebuilding the index..."], Hold: true);

        var (events, error) = await RunAsync(TargetOnTestClock(), "slow", HerokuTarget.PollInterval);

        var failed = Assert.IsType<DeployFailedException>(error);
        Assert.Equal("slow ran past its time limit of 1m, so run.1001 was stopped.", failed.Message);
        Assert.Contains("Raise `Apps:web:Tasks:slow:Timeout`", failed.Hint);
        Assert.Contains(new OutputLine("Rebuilding the index..."), events);
        Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/dynos/run.1001/actions/stop"));
        Assert.Equal(60, _rig.Heroku.Calls("POST", "/apps/acme-web/dynos").Single(c => c.Path == "/apps/acme-web/dynos").Body!["time_to_live"]!.GetValue<int>());
        Assert.True(_rig.App.Runs.Single().Stopped);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Cancelling_a_task_stops_its_dyno_and_lets_the_cancel_through()
    {
        _rig.Heroku.NextRun = new RunScript(Hold: true);
        using var cancel = new CancellationTokenSource();
        var events = new List<DeployEvent>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in TargetOnTestClock().RunTaskAsync(Request("migrate"), cancel.Token))
            {
                events.Add(e);
                if (e is OutputLine { Text: "Applied 3 migrations." }) await cancel.CancelAsync();
            }
        });

        Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/dynos/run.1001/actions/stop"));
        Assert.True(_rig.App.Runs.Single().Stopped);
        Assert.DoesNotContain(events, e => e is Notice n && n.Text.Contains("exited", StringComparison.Ordinal));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_heroku_task_without_a_command_stops_startup_naming_the_key()
    {
        var config = HerokuRig.Config(_rig.Heroku, _rig.Repo.Path);
        config["Apps:web:Tasks:seed:Lock"] = "true";

        using var dir = new TempDir("heroku-task-config");
        var e = await Assert.ThrowsAsync<ConfigException>(async () => { await using var bot = await TestBot.StartAsync(config, dir: dir); });

        Assert.StartsWith("Apps:web:Tasks:seed:Command: missing; a Heroku task runs a command in a one-off dyno", e.Message);
    }
}
