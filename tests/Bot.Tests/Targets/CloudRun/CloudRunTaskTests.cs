using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Targets.CloudRun;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// <c>run site migrate</c> on Cloud Run: an execution of the job <c>CloudRun:Jobs:migrate</c> names, followed to its end with
/// its log lines, which Cloud Logging shows seconds late (the fake holds them back by a fake clock the test moves on).
/// </summary>
public sealed class CloudRunTaskTests : IAsyncLifetime
{
    private readonly WatchedTime _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudRunRig.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:site:Tasks:migrate"] = "python manage.py migrate --noinput",
            ["Apps:site:Tasks:report:Timeout"] = "10m",
            ["Apps:site:CloudRun:Jobs:migrate"] = "site-migrate",
            ["Apps:site:CloudRun:Jobs:report"] = "site-report",
            ["Apps:site:Tasks:ghost"] = "true",
            ["Apps:site:CloudRun:Jobs:ghost"] = "site-ghost",
        }, google =>
        {
            google.AddJob("site-migrate");
            google.AddJob("site-report");
        });
        _rig.Google.Clock = _time;
        _rig.Google.LogDelay = TimeSpan.FromSeconds(3);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_task_runs_an_execution_of_its_job_with_the_command_as_args_and_shows_every_line_even_late_ones()
    {
        var (events, failure) = await RunAsync("migrate");

        Assert.Null(failure);
        var execution = Assert.Single(_rig.Google.Executions);
        Assert.EndsWith("/jobs/site-migrate", execution.Job, StringComparison.Ordinal);
        var args = execution.Body["overrides"]!["containerOverrides"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Equal(["python", "manage.py", "migrate", "--noinput"], args);
        Assert.Null(execution.Body["overrides"]!["timeout"]);
        Assert.Equal(new StepStarted("migrate"), events[0]);
        var lines = events.OfType<OutputLine>().Select(o => o.Text).ToList();
        // The exit line is written as the execution ends, and shows three seconds after: it is still read.
        Assert.Equal(["Applying migrations", "Done.", "Container called exit(0)."], lines);
        Assert.Contains(events, e => e is StepFinished { Step: "migrate" });
        Assert.Equal(new Notice("migrate finished: 1 task succeeded."), events[^1]);
        Assert.DoesNotContain(events, e => e is Notice { IsWarning: true });
        Assert.False(execution.Cancelled);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Lines_that_have_not_reached_cloud_logging_fifteen_seconds_after_the_end_are_not_waited_for_longer()
    {
        _rig.Google.LogDelay = TimeSpan.FromMinutes(2);
        var started = _time.GetUtcNow();

        var (events, error) = await RunAsync("migrate");

        Assert.Null(error);
        Assert.Empty(events.OfType<OutputLine>());
        Assert.Contains(events, e => e is Notice { IsWarning: true } n && n.Text.StartsWith("None of the execution's log lines had reached Cloud Logging 15s after it ended; its log: https://console.cloud.google.com/", StringComparison.Ordinal));
        Assert.Equal(new Notice("migrate finished: 1 task succeeded."), events[^1]);
        Assert.InRange(_time.GetUtcNow() - started, CloudLoggingApi.Patience, CloudLoggingApi.Patience + TimeSpan.FromSeconds(30));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_with_no_command_runs_the_job_as_it_is_with_its_own_timeout()
    {
        var (_, failure) = await RunAsync("report");

        Assert.Null(failure);
        var overrides = Assert.Single(_rig.Google.Executions).Body["overrides"]!;
        Assert.Null(overrides["containerOverrides"]);
        Assert.Equal("600s", overrides["timeout"]!.GetValue<string>());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_execution_fails_the_task_with_the_failed_condition_and_its_last_lines()
    {
        _rig.Google.NextExecution = new ExecutionScript(["Applying migrations", "Error: relation \"users\" does not exist"], Fails: true);

        var (events, error) = await RunAsync("migrate");

        var failure = Assert.IsType<DeployFailedException>(error);
        var name = Assert.Single(_rig.Google.Executions).ShortName;
        Assert.StartsWith($"migrate failed on Cloud Run: Task {name}-task0 failed with message: The container exited with an exit code of 1 (1 task failed", failure.Message);
        Assert.Contains("Last lines: \"Applying migrations\" · \"Error: relation \"users\" does not exist\" · \"Container called exit(1).\"", failure.Message);
        Assert.Contains("run site migrate", failure.Hint);
        Assert.Contains(events, e => e is OutputLine { IsError: true, Text: "Error: relation \"users\" does not exist" });
        Assert.DoesNotContain(events, e => e is Notice n && n.Text.Contains("finished", StringComparison.Ordinal));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Cancelling_a_task_cancels_its_execution_and_lets_the_cancellation_through()
    {
        _rig.Google.NextExecution = new ExecutionScript(["Applying migrations"], Hold: true);
        using var cancel = new CancellationTokenSource();

        var (_, error) = await RunAsync("migrate", cancel, until: _rig.Google.ExecutionRunning);

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.True(Assert.Single(_rig.Google.Executions).Cancelled);
        Assert.Single(_rig.Google.Calls("run", "POST", ":cancel"));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_job_cloud_run_does_not_have_is_named_with_the_key_that_names_it()
    {
        var (_, error) = await RunAsync("ghost");

        var failure = Assert.IsType<DeployFailedException>(error);
        Assert.StartsWith("Cloud Run has no job site-ghost", failure.Message);
        Assert.Contains("Apps:site:CloudRun:Jobs:ghost", failure.Hint);
        Assert.Empty(_rig.Google.Executions);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_through_the_bot_gets_a_card_that_ends_succeeded()
    {
        _rig.Google.Clock = TimeProvider.System;
        _rig.Google.LogDelay = TimeSpan.Zero;

        var d = await _rig.DeployAsync("run site migrate");

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("Applying migrations", events);
        Assert.Contains("migrate finished: 1 task succeeded.", events);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public void A_task_with_no_job_stops_startup_naming_the_key()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Apps:site:Target"] = "cloudrun",
            ["Apps:site:CloudRun:Project"] = FakeGoogleCloud.Project,
            ["Apps:site:CloudRun:Region"] = FakeGoogleCloud.Region,
            ["Apps:site:CloudRun:Service"] = "site",
            ["Apps:site:Tasks:seed"] = "python seed.py",
        }).Build();
        var app = AppCatalog.Load(config, ["cloudrun"]).Find("site")!.Default;
        var target = _rig.Bot.Services.GetRequiredService<CloudRunTarget>();

        var e = Assert.Throws<ConfigException>(() => target.Validate(app));

        Assert.Equal("Apps:site:CloudRun:Jobs:seed", e.Key);
    }

    [Theory]
    [InlineData("python manage.py migrate", new[] { "python", "manage.py", "migrate" })]
    [InlineData("  rake  db:migrate ", new[] { "rake", "db:migrate" })]
    [InlineData("sh -c 'echo \"a b\"' \"\"", new[] { "sh", "-c", "echo \"a b\"", "" })]
    public void A_command_is_split_into_args_as_a_shell_would(string command, string[] args) =>
        Assert.Equal(args, CloudRunTarget.Args(command));

    /// <summary>
    /// Runs a task of <c>site</c> on a Cloud Run target whose clock is the fake one, moving it on by each wait the target
    /// starts; once <paramref name="until"/> completes, <paramref name="cancel"/> fires. Answers the events and what it threw.
    /// </summary>
    private async Task<(List<DeployEvent> Events, Exception? Error)> RunAsync(string task, CancellationTokenSource? cancel = null, Task? until = null)
    {
        var services = _rig.Bot.Services;
        var options = services.GetRequiredService<CloudRunOptions>() with { PollFirst = TimeSpan.FromSeconds(1), PollMax = TimeSpan.FromSeconds(10) };
        var target = new CloudRunTarget(services.GetRequiredService<CloudBuildApi>(), services.GetRequiredService<CloudRunApi>(),
            services.GetRequiredService<CloudLoggingApi>(), options, _time);
        var app = services.GetRequiredService<AppCatalog>().Find("site")!.Default;
        var token = cancel?.Token ?? CancellationToken.None;
        var events = new List<DeployEvent>();
        var run = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in target.RunTaskAsync(new TaskRequest(app, 1, app.Tasks[task], null, "alice"), token))
                    lock (events) events.Add(e);
                return null;
            }
            catch (Exception e) { return e; }
        });
        while (true)
        {
            var next = _time.NextTimerAsync();
            if (await Task.WhenAny(run, next) == run) break;
            if (until is { IsCompleted: true }) await cancel!.CancelAsync();
            _time.Advance(await next);
        }
        return (events, await run);
    }
}
