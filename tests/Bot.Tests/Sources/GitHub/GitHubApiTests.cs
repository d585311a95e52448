using Bot.Sources.GitHub;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Bot.Tests.Sources.GitHub;

/// <summary>The GitHub client as the bot gets it (from DI, through the resilience handler) against the spec-checked fake.</summary>
public sealed class GitHubApiTests : IAsyncLifetime
{
    private const string Repo = "acme/web";
    private const string Sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private FakeGitHub _github = null!;
    private ServiceProvider _services = null!;

    private GitHubApi Api => _services.GetRequiredService<GitHubApi>();

    public async Task InitializeAsync() => (_github, _services) = await StartAsync("", FakeGitHub.Token);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _github.DisposeAsync();
    }

    private static async Task<(FakeGitHub, ServiceProvider)> StartAsync(string prefix, string? token)
    {
        var github = await FakeGitHub.StartAsync(prefix);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GITHUB_API_URL"] = github.Url.ToString(),
            ["GITHUB_TOKEN"] = token,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGitHub(configuration);
        // The standard back-off waits seconds between retries; the tests keep the policy but not the wait.
        services.Configure<HttpStandardResilienceOptions>($"{GitHubApi.Client}-standard", o => o.Retry.Delay = TimeSpan.Zero);
        return (github, services.BuildServiceProvider());
    }

    [Fact]
    public async Task Checks_come_from_both_check_runs_and_commit_statuses_one_per_name()
    {
        _github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "success"), new FakeCheckRun("test", "in_progress"), FakeCheckRun.Done("lint", "skipped"));
        _github.SetStatuses(Repo, Sha, new FakeCommitStatus("ci/jenkins", "failure", "https://ci.example.com/1"), new FakeCommitStatus("deploy/preview", "pending"));

        var checks = await Api.ReadChecksAsync(Repo, Sha, default);

        Assert.Equal(
            [
                new CheckResult("build", CheckState.Passed, "success", "https://github.com/acme/web/runs/1"),
                new CheckResult("ci/jenkins", CheckState.Failed, "failure", "https://ci.example.com/1"),
                new CheckResult("deploy/preview", CheckState.Pending, "pending", null),
                new CheckResult("lint", CheckState.Passed, "skipped", "https://github.com/acme/web/runs/3"),
                new CheckResult("test", CheckState.Pending, "in progress", "https://github.com/acme/web/runs/2"),
            ], checks);
        Assert.All(_github.Requests, r => Assert.Equal($"Bearer {FakeGitHub.Token}", r.Authorization));
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task More_than_a_hundred_check_runs_are_read_over_pages_by_their_Link()
    {
        var runs = Enumerable.Range(1, 130).Select(i => FakeCheckRun.Done($"job-{i:000}", i == 117 ? "failure" : "success")).ToArray();
        _github.SetCheckRuns(Repo, Sha, runs);

        var checks = await Api.ReadChecksAsync(Repo, Sha, default);

        Assert.Equal(130, checks.Count);
        Assert.Equal(CheckState.Failed, checks.Single(c => c.Name == "job-117").State);
        var pages = _github.Calls("GET", "/check-runs");
        Assert.Equal(2, pages.Count);
        Assert.Equal(("100", "2"), (pages[1].Query["per_page"], pages[1].Query["page"]));
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task The_newest_re_run_of_a_check_stands_for_it()
    {
        _github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "failure", T0), new FakeCheckRun("build", "queued", null, T0.AddMinutes(5)));
        Assert.Equal(new CheckResult("build", CheckState.Pending, "queued", "https://github.com/acme/web/runs/2"), Assert.Single(await Api.ReadChecksAsync(Repo, Sha, default)));

        _github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "failure", T0), FakeCheckRun.Done("Build", "success", T0.AddMinutes(5)));
        Assert.Equal(CheckState.Passed, Assert.Single(await Api.ReadChecksAsync(Repo, Sha, default)).State);
    }

    [Theory]
    [InlineData("queued", null, CheckState.Pending, "queued")]
    [InlineData("in_progress", null, CheckState.Pending, "in progress")]
    [InlineData("waiting", null, CheckState.Pending, "waiting")]
    [InlineData("requested", null, CheckState.Pending, "requested")]
    [InlineData("pending", null, CheckState.Pending, "pending")]
    [InlineData("completed", "success", CheckState.Passed, "success")]
    [InlineData("completed", "neutral", CheckState.Passed, "neutral")]
    [InlineData("completed", "skipped", CheckState.Passed, "skipped")]
    [InlineData("completed", "failure", CheckState.Failed, "failure")]
    [InlineData("completed", "cancelled", CheckState.Failed, "cancelled")]
    [InlineData("completed", "timed_out", CheckState.Failed, "timed out")]
    [InlineData("completed", "action_required", CheckState.Failed, "action required")]
    [InlineData("completed", "startup_failure", CheckState.Failed, "startup failure")]
    [InlineData("completed", "stale", CheckState.Failed, "stale")]
    public void Each_phase_and_conclusion_of_a_check_run_has_its_state_and_word(string status, string? conclusion, CheckState state, string detail) =>
        Assert.Equal((state, detail), Of(GitHubChecks.Of(new GitHubWire.CheckRun(1, "build", status, conclusion, null, null, T0))));

    [Theory]
    [InlineData("success", CheckState.Passed)]
    [InlineData("pending", CheckState.Pending)]
    [InlineData("failure", CheckState.Failed)]
    [InlineData("error", CheckState.Failed)]
    public void Each_commit_status_state_has_its_state(string state, CheckState expected) =>
        Assert.Equal((expected, state), Of(GitHubChecks.Of(new GitHubWire.CommitStatus("ci", state, "", null))));

    [Fact]
    public async Task A_GitHub_Enterprise_base_keeps_its_api_v3_prefix_and_calls_without_a_token_send_none()
    {
        var (github, services) = await StartAsync("/api/v3", token: null);
        await using (services)
        await using (github)
        {
            github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "success"));

            var checks = await services.GetRequiredService<GitHubApi>().ReadChecksAsync(Repo, Sha, default);

            Assert.Equal("build", Assert.Single(checks).Name);
            Assert.Equal("/api/v3", github.Url.AbsolutePath);
            Assert.Equal(2, github.Requests.Count);
            Assert.All(github.Requests, r => Assert.Null(r.Authorization));
            github.AssertNoViolations();
        }
    }

    [Fact]
    public async Task A_deployment_and_its_statuses_are_recorded_in_order()
    {
        _github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "success"));

        var id = await Api.CreateDeploymentAsync(Repo, Sha, "main", "production", "deploybot: web to production", production: true, default);
        await Api.CreateDeploymentStatusAsync(Repo, id, "queued", null, null, "queued by push", default);
        await Api.CreateDeploymentStatusAsync(Repo, id, "in_progress", "https://bot.example.com/d/web/7?t=x", null, null, default);
        await Api.CreateDeploymentStatusAsync(Repo, id, "success", "https://bot.example.com/d/web/7?t=x", "https://web.example.com", new string('x', 200), default);

        var deployment = Assert.Single(_github.Deployments);
        Assert.Equal((id, Sha, "production", true, false), (deployment.Id, deployment.Ref, deployment.Environment, deployment.ProductionEnvironment, deployment.AutoMerge));
        Assert.Equal("deploybot: web to production (main)", deployment.Description);
        Assert.Equal([], deployment.RequiredContexts!);
        Assert.Equal(["queued", "in_progress", "success"], deployment.Statuses.Select(s => s.State));
        Assert.Equal("https://bot.example.com/d/web/7?t=x", deployment.Statuses[2].LogUrl);
        Assert.Equal("https://web.example.com", deployment.Statuses[2].EnvironmentUrl);
        Assert.Equal(140, deployment.Statuses[2].Description!.Length);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task Refusals_carry_GitHubs_status_and_message()
    {
        _github.SetCheckRuns(Repo, Sha);

        var unknownDeployment = await Assert.ThrowsAsync<GitHubApiException>(() => Api.CreateDeploymentStatusAsync(Repo, 999, "success", null, null, null, default));
        var unknownSha = await Assert.ThrowsAsync<GitHubApiException>(() => Api.CreateDeploymentAsync(Repo, new string('a', 40), null, "production", "d", true, default));
        var unknownRepo = await Assert.ThrowsAsync<GitHubApiException>(() => Api.ReadChecksAsync("acme/nope", Sha, default));

        Assert.Equal((404, "Not Found"), (unknownDeployment.Status, unknownDeployment.Reason));
        Assert.Equal((422, $"No ref found for: {new string('a', 40)}"), (unknownSha.Status, unknownSha.Reason));
        Assert.Equal(404, unknownRepo.Status);
        _github.AssertNoViolations();
    }

    [Fact]
    public async Task A_5xx_is_retried_but_creating_a_deployment_is_never_sent_twice()
    {
        _github.SetCheckRuns(Repo, Sha, FakeCheckRun.Done("build", "success"));
        _github.FailNext(1, 502);
        Assert.Single(await Api.ReadChecksAsync(Repo, Sha, default));

        _github.FailNext(1, 502);
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Api.CreateDeploymentAsync(Repo, Sha, null, "staging", "d", false, default));

        Assert.Equal((502, "Server Error"), (e.Status, e.Reason));
        Assert.Single(_github.Calls("POST", "/deployments"));
        Assert.Empty(_github.Deployments);
    }

    [Fact]
    public async Task No_checks_at_all_is_an_empty_list()
    {
        _github.SetCheckRuns(Repo, Sha);
        Assert.Empty(await Api.ReadChecksAsync(Repo, Sha, default));
        _github.AssertNoViolations();
    }

    private static (CheckState, string) Of(CheckResult r) => (r.State, r.Detail);
}
