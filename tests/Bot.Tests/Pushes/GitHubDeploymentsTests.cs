using Bot.Deployments;
using Bot.Deployments.Pushes;
using Bot.Security;
using Bot.Sources.GitHub;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Pushes;

/// <summary>
/// Every deploy of an environment on GitHub becomes a GitHub deployment of its commit, told each state as it moves, on
/// the spec-checked fake; GitHub failing costs a deploy nothing but one log line, and without a token nothing is sent.
/// </summary>
public sealed class GitHubDeploymentsTests : IAsyncLifetime
{
    private const string PublicUrl = "https://bot.example.com";
    private FakeGitHub _github = null!;
    private readonly ListLogger<GitHubDeployments> _log = new();

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _github.AddRepository("acme/web");
    }

    public async Task DisposeAsync() => await _github.DisposeAsync();

    private async Task<PushRig> StartAsync(string? token = FakeGitHub.Token, string? apiUrl = null, Dictionary<string, string?>? more = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["GITHUB_API_URL"] = apiUrl ?? _github.Url.ToString(),
            ["GITHUB_TOKEN"] = token,
            ["BOT_PUBLIC_URL"] = PublicUrl,
        };
        foreach (var (k, v) in more ?? []) config[k] = v;
        var rig = await PushRig.StartAsync(config, services =>
        {
            services.AddSingleton<ILogger<GitHubDeployments>>(_log);
            // The standard back-off waits seconds (on the rig's clock, which stands still); keep the retries, not the wait.
            services.Configure<HttpStandardResilienceOptions>($"{GitHubApi.Client}-standard", o => o.Retry.Delay = TimeSpan.Zero);
        });
        _github.SetStatuses("acme/web", rig.Repo.Head());
        return rig;
    }

    /// <summary>A commit of the rig's repository that GitHub knows too (it refuses a deployment of a ref it has not seen).</summary>
    private string Commit(PushRig rig, string subject)
    {
        var sha = rig.Repo.Commit(subject);
        _github.SetStatuses("acme/web", sha);
        return sha;
    }

    private static async Task<Deployment> FinishedAsync(PushRig rig, long id)
    {
        var done = await rig.Bot.WaitFinishedAsync(id);
        await rig.GitHub.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return done;
    }

    private FakeDeployment RecordedFor(string sha) => Assert.Single(_github.Deployments, d => d.Ref == sha);

    private static string[] States(FakeDeployment d) => d.Statuses.Select(s => s.State).ToArray();

    [Fact]
    public async Task A_pushed_deploy_is_queued_then_in_progress_then_success_with_its_log_page_and_release_url()
    {
        await using var rig = await StartAsync();
        var head = Commit(rig, "Add search");
        await rig.PushAsync(head);
        await rig.LookAsync();
        var done = await FinishedAsync(rig, Assert.Single(await rig.AllAsync()).Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var recorded = RecordedFor(head);
        Assert.Equal(("acme/web", "production", true, $"web #{done.Number} main@{head[..7]} by ana"),
            (recorded.Repository, recorded.Environment, recorded.ProductionEnvironment, recorded.Description));
        Assert.Equal((false, 0), (recorded.AutoMerge, recorded.RequiredContexts!.Count));
        Assert.Equal(["queued", "in_progress", "success"], States(recorded));

        var success = recorded.Statuses[^1];
        Assert.Equal(done.Url, success.EnvironmentUrl);
        Assert.Equal("https://r1.example.test", success.EnvironmentUrl);
        var links = rig.Bot.Services.GetRequiredService<LogLinks>();
        Assert.Equal(links.Deployment("web", done.Number), success.LogUrl);
        Assert.StartsWith($"{PublicUrl}/d/web/{done.Number}?t=", success.LogUrl, StringComparison.Ordinal);
        Assert.Equal(LinkCheck.Valid, links.CheckDeployment("web", done.Number, success.LogUrl!.Split("?t=")[1]));
        Assert.All(recorded.Statuses.SkipLast(1), s => Assert.Null(s.EnvironmentUrl));
        Assert.Equal(recorded.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await rig.Bot.Store.GetNoteAsync(GitHubDeployments.NoteScope, done.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default));
        Assert.Empty(_log.Lines);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task A_failing_deploy_ends_failure_with_its_log_page_and_the_reason()
    {
        await using var rig = await StartAsync();
        rig.Bot.Fake.FailWith = "the build broke";
        var result = await rig.Bot.SendAsync("deploy web main", user: "ana");
        var done = await FinishedAsync(rig, result.Started!.Id);

        Assert.Equal(DeploymentState.Failed, done.State);
        var recorded = RecordedFor(done.Sha!);
        Assert.Equal(["queued", "in_progress", "failure"], States(recorded));
        var failure = recorded.Statuses[^1];
        Assert.Equal(rig.Bot.Services.GetRequiredService<LogLinks>().Deployment("web", done.Number), failure.LogUrl);
        Assert.Null(failure.EnvironmentUrl);
        Assert.Contains("the build broke", failure.Description, StringComparison.Ordinal);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task Superseded_pushes_end_inactive_and_only_the_newest_succeeds()
    {
        await using var rig = await StartAsync();
        rig.Bot.Fake.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var typed = await rig.Bot.SendAsync("deploy web main");
        await rig.Bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var shas = new[] { Commit(rig, "one"), Commit(rig, "two"), Commit(rig, "three") };
        foreach (var sha in shas) await rig.PushAsync(sha);
        await rig.LookAsync();
        await rig.GitHub.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["queued", "inactive"], States(RecordedFor(shas[0])));
        Assert.Equal(["queued", "inactive"], States(RecordedFor(shas[1])));
        Assert.Contains("Superseded by", RecordedFor(shas[0]).Statuses[^1].Description, StringComparison.Ordinal);
        Assert.Equal(["queued"], States(RecordedFor(shas[2])));

        rig.Bot.Fake.Hold.SetResult();
        await FinishedAsync(rig, typed.Started!.Id);
        await rig.LookAsync();
        var newest = (await rig.AllAsync())[^1];
        Assert.Equal(DeploymentState.Succeeded, (await FinishedAsync(rig, newest.Id)).State);
        Assert.Equal(["queued", "in_progress", "success"], States(RecordedFor(shas[2])));
        Assert.Equal(["queued", "in_progress", "success"], States(RecordedFor(typed.Started.Sha!)));
        Assert.Equal(4, _github.Deployments.Count);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task A_typed_deploy_and_a_rollback_are_recorded_too()
    {
        await using var rig = await StartAsync();
        var before = rig.Repo.Head();
        var next = Commit(rig, "second");
        var first = await rig.Bot.DeployAsync($"deploy web {before}", user: "ana");
        var second = await rig.Bot.DeployAsync("deploy web main", user: "ana");
        Assert.Equal(next, second.Sha);
        var rollback = await rig.Bot.DeployAsync("rollback web", user: "ana");
        await rig.GitHub.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((DeploymentKind.Rollback, DeploymentState.Succeeded, first.Sha), (rollback.Kind, rollback.State, rollback.Sha));
        Assert.Equal(3, _github.Deployments.Count);
        var typed = _github.Deployments[1];
        Assert.Equal((second.Sha, $"web #{second.Number} {second.RefLabel} by ana"), (typed.Ref, typed.Description));
        var back = _github.Deployments[2];
        Assert.Equal(first.Sha, back.Ref);
        Assert.StartsWith($"web #{rollback.Number} rollback to ", back.Description, StringComparison.Ordinal);
        Assert.All(_github.Deployments, d => Assert.Equal(["queued", "in_progress", "success"], States(d)));
        Assert.Equal(rollback.Url, back.Statuses[^1].EnvironmentUrl);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task GitHub_answering_500_lets_the_deploy_succeed_and_logs_one_line()
    {
        await using var rig = await StartAsync();
        _github.FailNext(1000, 500);
        var head = Commit(rig, "change");
        await rig.PushAsync(head);
        await rig.LookAsync();
        var done = await FinishedAsync(rig, Assert.Single(await rig.AllAsync()).Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        // Creating starts something, so it is sent once; after it failed nothing more is sent for this deployment.
        Assert.Single(_github.Requests);
        Assert.Equal(("POST", "/repos/acme/web/deployments"), (_github.Requests[0].Method, _github.Requests[0].Path));
        var line = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($"web #{done.Number}", line.Text, StringComparison.Ordinal);
        Assert.Contains("500", line.Text, StringComparison.Ordinal);
        Assert.Equal(GitHubDeployments.GaveUpNote, await rig.Bot.Store.GetNoteAsync(GitHubDeployments.NoteScope, done.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default));
    }

    [Fact]
    public async Task GitHub_out_of_reach_lets_every_deploy_succeed_with_one_line_each()
    {
        await using var rig = await StartAsync(apiUrl: $"http://127.0.0.1:{Ports.Free()}");
        var first = await rig.Bot.DeployAsync("deploy web main");
        Commit(rig, "second");
        var second = await rig.Bot.DeployAsync("deploy web main");
        await rig.GitHub.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((DeploymentState.Succeeded, DeploymentState.Succeeded), (first.State, second.State));
        Assert.Equal(2, _log.Lines.Count);
        Assert.All(_log.Lines, l => Assert.Contains("could not be reached", l.Text, StringComparison.Ordinal));
        Assert.Equal([$"web #{first.Number}", $"web #{second.Number}"], _log.Lines.Select(l => l.Text.Split(" as ")[0]["Could not record ".Length..]));
    }

    [Fact]
    public async Task A_deployment_another_process_is_creating_is_waited_for_and_never_created_twice()
    {
        await using var rig = await StartAsync();
        // Another live process (on another host) has claimed #1's GitHub deployment and is creating it.
        var key = "1";
        Assert.Equal("creating:elsewhere/0/0:42:42", await rig.Bot.Store.ClaimNoteAsync(GitHubDeployments.NoteScope, key, "creating:elsewhere/0/0:42:42", null, rig.Time.GetUtcNow(), default));
        var done = await rig.Bot.DeployAsync("deploy web main", user: "ana");
        Assert.Equal(1, done.Id);
        Assert.Empty(_github.Requests);

        // It finishes: the deployment exists on GitHub and its id is in the store.
        var id = await rig.Bot.Services.GetRequiredService<GitHubApi>().CreateDeploymentAsync("acme/web", done.Sha!, "main", "production", "web #1 by the other process", true, default);
        await rig.Bot.Store.SetNoteAsync(GitHubDeployments.NoteScope, key, id.ToString(System.Globalization.CultureInfo.InvariantCulture), rig.Time.GetUtcNow(), default);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Assert.Single(_github.Deployments).Statuses.Count < 3)
        {
            // This process looks at the note again on its clock.
            rig.Time.Advance(GitHubDeployments.CreatingLookEvery);
            await Task.WhenAny(rig.GitHub.IdleAsync(), Task.Delay(200, deadline.Token));
        }

        var recorded = Assert.Single(_github.Deployments);
        Assert.Equal(id, recorded.Id);
        Assert.Equal(["queued", "in_progress", "success"], States(recorded));
        Assert.Single(_github.Calls("POST", "/deployments"));
        Assert.Empty(_log.Lines);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task Without_GITHUB_TOKEN_GitHub_hears_nothing()
    {
        await using var rig = await StartAsync(token: null);
        var typed = await rig.Bot.DeployAsync("deploy web main");
        var head = Commit(rig, "change");
        await rig.PushAsync(head);
        await rig.LookAsync();
        var pushed = await FinishedAsync(rig, (await rig.AllAsync())[^1].Id);

        Assert.Equal((DeploymentState.Succeeded, DeploymentState.Succeeded, head), (typed.State, pushed.State, pushed.Sha));
        Assert.False(rig.GitHub.Enabled);
        Assert.Empty(_github.Requests);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task An_environment_not_on_GitHub_is_not_recorded()
    {
        await using var rig = await StartAsync(more: new() { ["Apps:web:GitHub"] = null, ["Apps:web:AutoDeploy"] = null });
        var typed = await rig.Bot.DeployAsync("deploy web main");
        await rig.GitHub.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeploymentState.Succeeded, typed.State);
        Assert.NotNull(typed.Sha);
        Assert.True(rig.GitHub.Enabled);
        Assert.Empty(_github.Requests);
        Assert.Empty(_log.Lines);
    }
}
