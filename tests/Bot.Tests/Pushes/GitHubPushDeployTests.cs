using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Sources.GitHub;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Pushes;

/// <summary>
/// The whole way from GitHub: a signed push webhook (GitHub's own example, pointed at the test repository) deploys
/// through the serve host's gate, which reads the commit's checks from the spec-checked fake; a completed check suite
/// releases it; a failing check refuses the next one by name; redeliveries and the same push twice deploy once.
/// </summary>
public sealed class GitHubPushDeployTests : IAsyncLifetime
{
    private const string Secret = "test-github-webhook-secret";
    private readonly TempDir _dir = new("ghpush");
    private readonly FakeTarget _target = new();
    private FakeGitHub _github = null!;
    private BotWebHost _bot = null!;
    private GitRepo _repo = null!;

    public async Task InitializeAsync()
    {
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("first");
        _github = await FakeGitHub.StartAsync();
        _github.AddRepository("acme/web");
        _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["GITHUB_WEBHOOK_SECRET"] = Secret,
            ["GITHUB_API_URL"] = _github.Url.ToString(),
            ["GITHUB_TOKEN"] = FakeGitHub.Token,
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Repository"] = _repo.Path,
            ["Apps:web:GitHub"] = "acme/web",
            ["Apps:web:AutoDeploy"] = "main",
            ["Apps:web:RequireChecks"] = "build",
        }, services => services.AddSingleton<IDeployTarget>(_target));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _github.DisposeAsync();
        _dir.Dispose();
    }

    private static JsonObject Example(string file) => JsonNode.Parse(File.ReadAllText(Specs.PathOf($"github/payload-examples/{file}")))!.AsObject();

    /// <summary>GitHub's push example, as a push of <c>main</c> of acme/web to <paramref name="sha"/> by ana-gh.</summary>
    private byte[] Push(string sha, string before)
    {
        var push = Example("push/with-new-branch.payload.json");
        (push["ref"], push["after"], push["before"], push["created"]) = ("refs/heads/main", sha, before, false);
        push["compare"] = $"https://github.com/acme/web/compare/{before[..12]}...{sha[..12]}";
        push["repository"]!["full_name"] = "acme/web";
        push["sender"]!["login"] = "ana-gh";
        push["commits"]![0]!["id"] = sha;
        push["head_commit"]!["id"] = sha;
        return System.Text.Encoding.UTF8.GetBytes(push.ToJsonString());
    }

    private byte[] SuiteCompleted(string sha)
    {
        var suite = Example("check_suite/completed.payload.json");
        suite["check_suite"]!["head_sha"] = sha;
        suite["check_suite"]!["conclusion"] = "success";
        suite["repository"]!["full_name"] = "acme/web";
        return System.Text.Encoding.UTF8.GetBytes(suite.ToJsonString());
    }

    private Task<HttpResponseMessage> PostAsync(string name, byte[] body, string delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Add("X-GitHub-Event", name);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add(GitHubSignature.Header, GitHubSignature.Sign(Secret, body));
        return _bot.Client.SendAsync(request);
    }

    /// <summary>Waits, with a deadline, until the store shows what <paramref name="seen"/> looks for in the deployment's story.</summary>
    private async Task<Deployment> WaitForAsync(Func<Deployment, IReadOnlyList<StoryLine>, bool> seen)
    {
        var store = _bot.Get<IDeploymentStore>();
        using var updates = _bot.Get<DeploymentFeed>().Subscribe();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var d in await store.ListAsync("web", null, 10, false, deadline.Token))
                if (seen(d, await store.EventsAsync(d.Id, 0, 200, deadline.Token))) return d;
            await updates.Reader.ReadAsync(deadline.Token);
        }
    }

    [Fact]
    public async Task A_signed_push_waits_for_its_checks_a_completed_suite_releases_it_and_a_failing_check_refuses_the_next_by_name()
    {
        var start = _repo.Head();
        var head = _repo.Commit("Add search");
        _github.SetCheckRuns("acme/web", head, new FakeCheckRun("build", "in_progress"));

        var accepted = await PostAsync("push", Push(head, start), "delivery-1");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var waiting = await WaitForAsync((d, lines) => d.Sha == head && lines.Any(l => l.Text == "🚦 Waiting for checks: build (in progress)."));
        Assert.Equal((DeploymentState.Waiting, "webhook", "github:ana-gh"), (waiting.State, waiting.Via, waiting.Origin.QualifiedUser));
        Assert.Empty(_target.Deploys);

        // GitHub's redelivery, and the same push under another delivery id: still one deployment.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("push", Push(head, start), "delivery-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("push", Push(head, start), "delivery-2")).StatusCode);

        _github.SetCheckRuns("acme/web", head, FakeCheckRun.Done("build", "success"));
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("check_suite", SuiteCompleted(head), "delivery-3")).StatusCode);
        var done = await _bot.WaitFinishedAsync(waiting.Id);
        Assert.Equal((DeploymentState.Succeeded, head), (done.State, done.Sha));
        Assert.Equal([head], _target.Deploys.Select(d => d.Commit!.Sha));
        Assert.Single(await _bot.Get<IDeploymentStore>().ListAsync("web", null, 10, false, default));

        var broken = _repo.Commit("Break the build");
        _github.SetCheckRuns("acme/web", broken, new FakeCheckRun("build", "completed", "failure", HtmlUrl: "https://github.com/acme/web/runs/7"),
            FakeCheckRun.Done("lint", "success"));
        await PostAsync("push", Push(broken, head), "delivery-4");
        var refused = await WaitForAsync((d, _) => d.Sha == broken && d.IsFinished);
        Assert.Equal(DeploymentState.Failed, refused.State);
        Assert.StartsWith("Refused before anything ran: checks failed: build (failure) https://github.com/acme/web/runs/7.", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"`deploy! web {broken[..7]} to production`", refused.Message, StringComparison.Ordinal);
        Assert.Equal([head], _target.Deploys.Select(d => d.Commit!.Sha));
        _github.AssertNoViolations();
    }
}
