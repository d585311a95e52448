using Bot.Configuration;
using Bot.Sources;
using Bot.Targets;
using Bot.Targets.CloudRun;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// Cloud Logging shows entries seconds after they are written: the fake holds them back by its clock, and the target's
/// waits run on the same fake clock, moved on only while the target waits (never a real sleep).
/// </summary>
public sealed class CloudRunLogDelayTests : IAsyncLifetime
{
    private readonly WatchedTime _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudRunRig.StartAsync();
        _rig.Google.Clock = _time;
        _rig.Google.LogDelay = TimeSpan.FromSeconds(3);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_failed_step_is_quoted_from_its_own_lines_once_they_arrive_not_an_earlier_steps()
    {
        _rig.Google.NextBuild = new BuildScript(FailStep: 1);

        var (_, failure) = await DeployAsync();

        Assert.NotNull(failure);
        Assert.Contains("step #1 push failed", failure.Message);
        Assert.Contains("\"step 1 line 2\" · \"ERROR: step 1 exited with non-zero status: 1\"", failure.Message);
        Assert.DoesNotContain("step 0 line", failure.Message);
        Assert.DoesNotContain("Cloud Logging", failure.Message);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_step_whose_lines_do_not_arrive_in_time_says_so_after_fifteen_seconds()
    {
        _rig.Google.NextBuild = new BuildScript(FailStep: 1);
        _rig.Google.LogDelay = TimeSpan.FromMinutes(2);
        var started = _time.GetUtcNow();

        var (events, failure) = await DeployAsync();

        Assert.NotNull(failure);
        Assert.Contains("step #1 push failed", failure.Message);
        Assert.Contains("Its own log lines had not reached Cloud Logging 15s after it ended", failure.Message);
        Assert.DoesNotContain("Last lines", failure.Message);
        Assert.InRange(_time.GetUtcNow() - started, CloudLoggingApi.Patience, CloudLoggingApi.Patience + TimeSpan.FromSeconds(30));
        Assert.Contains(events, e => e is Notice { IsWarning: true } n && n.Text.StartsWith("Cloud Logging had not shown all of build #1 push's lines", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_lines_stream_under_the_step_that_printed_them()
    {
        var (events, failure) = await DeployAsync();

        Assert.Null(failure);
        var open = "";
        var checkedLines = 0;
        foreach (var e in events)
        {
            if (e is StepStarted s) open = s.Step;
            if (e is OutputLine { Text: var text } && System.Text.RegularExpressions.Regex.Match(text, @"^(?:step (\d+) line|(?:Starting|Finished) Step #(\d+))") is { Success: true } m)
            {
                var step = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                Assert.True(open.StartsWith($"build #{step} ", StringComparison.Ordinal), $"\"{text}\" shows under \"{open}\"");
                checkedLines++;
            }
        }
        Assert.Equal(8, checkedLines);
        var texts = events.Select(e => e switch { StepStarted s => s.Step, StepFinished f => f.Step + " done", OutputLine o => o.Text, _ => "" }).ToList();
        Assert.True(texts.IndexOf("Finished Step #0 - \"build\"") < texts.IndexOf("build #0 build done"));
        Assert.True(texts.IndexOf("build #0 build done") < texts.IndexOf("build #1 push"));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_revision_that_never_gets_ready_is_explained_with_its_own_lines_once_they_arrive()
    {
        _rig.Service.NextRevisionFails = "The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.";
        _rig.Service.NextRevisionLogs = ["Starting server", "Error: listen EADDRINUSE 0.0.0.0:3000"];

        var (_, failure) = await DeployAsync();

        Assert.NotNull(failure);
        Assert.Contains("did not become ready", failure.Message);
        Assert.Contains("Its last log lines: \"Starting server\" · \"Error: listen EADDRINUSE 0.0.0.0:3000\"", failure.Message);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_revision_whose_lines_do_not_arrive_in_time_says_so()
    {
        _rig.Service.NextRevisionFails = "The user-provided container failed to start.";
        _rig.Service.NextRevisionLogs = ["Error: listen EADDRINUSE 0.0.0.0:3000"];
        _rig.Google.LogDelay = TimeSpan.FromMinutes(2);

        var (_, failure) = await DeployAsync();

        Assert.NotNull(failure);
        Assert.Contains("failed to start. None of its log lines had reached Cloud Logging 15s later.", failure.Message);
    }

    /// <summary>Deploys <c>site</c> on a Cloud Run target whose clock is the fake one, moving it on by each wait the target starts.</summary>
    private async Task<(List<DeployEvent> Events, DeployFailedException? Failure)> DeployAsync()
    {
        var services = _rig.Bot.Services;
        var options = services.GetRequiredService<CloudRunOptions>() with { PollFirst = TimeSpan.FromSeconds(1), PollMax = TimeSpan.FromSeconds(10) };
        var target = new CloudRunTarget(services.GetRequiredService<CloudBuildApi>(), services.GetRequiredService<CloudRunApi>(),
            services.GetRequiredService<CloudLoggingApi>(), options, _time);
        var app = services.GetRequiredService<AppCatalog>().Find("site")!.Default;
        var git = services.GetRequiredService<GitRepositories>();
        var commit = (await git.ResolveAsync(app, "main", TimeSpan.Zero, default)).Commit!;
        var events = new List<DeployEvent>();
        var run = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in target.DeployAsync(new DeployRequest(app, 1, "main", commit, git.Snapshot(app, commit)), default))
                    lock (events) events.Add(e);
                return null;
            }
            catch (DeployFailedException e) { return e; }
        });
        while (true)
        {
            var next = _time.NextTimerAsync();
            if (await Task.WhenAny(run, next) == run) break;
            _time.Advance(await next);
        }
        return (events, await run);
    }
}
