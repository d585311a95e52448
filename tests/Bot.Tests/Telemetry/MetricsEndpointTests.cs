using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Security;
using Bot.Targets;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Telemetry;

/// <summary><c>GET /metrics</c> as <c>serve</c> answers it: the series after a deploy, and who may read them.</summary>
public sealed partial class MetricsEndpointTests
{
    private const string Token = "metrics-token-for-the-test";

    private static Task<BotWebHost> StartAsync(FakeTarget target, string? token = Token) => BotWebHost.StartAsync(new Dictionary<string, string?>
    {
        ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
        ["METRICS_TOKEN"] = token,
        ["Apps:metered:Target"] = "fake",
    }, services => services.AddSingleton<IDeployTarget>(target));

    private static async Task<HttpResponseMessage> ScrapeAsync(BotWebHost host, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await host.Client.SendAsync(request);
    }

    /// <summary>Deploys <c>metered</c> by a Slack slash command and waits for its end.</summary>
    private static async Task<Deployment> DeployAsync(BotWebHost host)
    {
        using var feed = host.Get<DeploymentFeed>().Subscribe();
        Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "metered main"))).StatusCode);
        var first = await feed.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return await host.WaitFinishedAsync(first.Deployment.Id);
    }

    [GeneratedRegex(@"^(\w+)(?:\{([^}]*)\})? (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"(\w+)=""([^""]*)""")]
    private static partial Regex Label();

    /// <summary>Each sample line as its series name and labels.</summary>
    private static List<(string Name, Dictionary<string, string> Labels, string Value)> Samples(string text) =>
        Sample().Matches(text).Select(m => (m.Groups[1].Value,
            Label().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value), m.Groups[3].Value)).ToList();

    [Fact]
    public async Task After_a_deploy_the_series_are_there_with_their_labels_and_no_user_or_sha()
    {
        var target = new FakeTarget();
        await using var host = await StartAsync(target);
        var done = await DeployAsync(host);
        Assert.Equal(DeploymentState.Succeeded, done.State);

        var response = await ScrapeAsync(host, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var samples = Samples(text);

        var deployed = Assert.Single(samples, s => s.Name == "deploybot_deployments_total" && s.Labels.GetValueOrDefault("app") == "metered");
        Assert.Equal(new Dictionary<string, string> { ["app"] = "metered", ["env"] = "production", ["target"] = "fake", ["result"] = "succeeded" }, deployed.Labels);
        Assert.Equal("1", deployed.Value);
        Assert.Contains(samples, s => s.Name == "deploybot_deployment_duration_seconds_bucket" && s.Labels.GetValueOrDefault("le") == "1800" && s.Labels["app"] == "metered");
        Assert.Contains(samples, s => s.Name == "deploybot_deployment_duration_seconds_count" && s.Labels["app"] == "metered" && s.Value == "1");
        Assert.Contains(samples, s => s.Name == "deploybot_chat_ack_seconds_bucket" && s.Labels.GetValueOrDefault("platform") == "slack");
        Assert.Contains(samples, s => s.Name == "deploybot_deployments_in_progress" && s.Labels.Count == 0 && s.Value == "0");
        Assert.Contains(samples, s => s.Name == "deploybot_queue_depth" && s.Labels.Count == 0 && s.Value == "0");
        Assert.Contains(samples, s => s.Name == "deploybot_build_info" && s.Labels.Keys.SequenceEqual(["version"]) && !s.Labels["version"].Contains('+'));
        // The TYPE lines Prometheus reads: counters, histograms and gauges as such.
        Assert.Contains("# TYPE deploybot_deployments_total counter", text);
        Assert.Contains("# TYPE deploybot_deployment_duration_seconds histogram", text);
        Assert.Contains("# TYPE deploybot_queue_depth gauge", text);

        // The runtime's figures (meter System.Runtime) are there too: the heap the GC last left and the working set.
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_last_collection_heap_size", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_process_memory_working_set", StringComparison.Ordinal) && double.Parse(s.Value, CultureInfo.InvariantCulture) > 0);

        // Every other series is the bot's own, and no label carries who asked or which commit.
        Assert.All(samples, s => Assert.True(s.Name.StartsWith("deploybot_", StringComparison.Ordinal) || s.Name.StartsWith("dotnet_", StringComparison.Ordinal), s.Name));
        samples = samples.Where(s => s.Name.StartsWith("deploybot_", StringComparison.Ordinal)).ToList();
        var values = samples.SelectMany(s => s.Labels.Values).ToList();
        Assert.DoesNotContain(values, v => v.Contains("U0ALICE", StringComparison.OrdinalIgnoreCase) || v.Contains("alice", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(values, v => v == "main" || Regex.IsMatch(v, "^[0-9a-f]{7,40}$"));
        Assert.All(samples.SelectMany(s => s.Labels.Keys), k => Assert.Contains(k, new[] { "app", "env", "target", "result", "le", "platform", "version", "reason" }));
    }

    [Fact]
    public async Task A_rollback_is_counted_by_its_reason()
    {
        var target = new FakeTarget();
        await using var host = await StartAsync(target);
        await DeployAsync(host);
        await DeployAsync(host);
        using var feed = host.Get<DeploymentFeed>().Subscribe();
        Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/ops", "rollback metered --yes"))).StatusCode);
        var rollback = await feed.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DeploymentKind.Rollback, rollback.Deployment.Kind);
        await host.WaitFinishedAsync(rollback.Deployment.Id);

        var samples = Samples(await (await ScrapeAsync(host, Token)).Content.ReadAsStringAsync());
        Assert.Contains(samples, s => s.Name == "deploybot_rollbacks_total" && s.Labels.Keys.SequenceEqual(["reason"]) && s.Labels["reason"] == "command");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    [InlineData("")]
    public async Task Without_the_token_or_with_a_wrong_one_the_answer_is_401(string? bearer)
    {
        await using var host = await StartAsync(new FakeTarget());
        var response = await ScrapeAsync(host, bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain("deploybot_", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_token_a_request_from_elsewhere_finds_nothing_there()
    {
        await using var host = await StartAsync(new FakeTarget(), token: null);
        // The test server's requests come from no address at all, never from loopback.
        var response = await ScrapeAsync(host, null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(host, "anything")).StatusCode);
    }

    [Theory]
    [InlineData(null, null, "127.0.0.1", false, MetricsAccess.Result.Allowed)]
    [InlineData(null, null, "::1", false, MetricsAccess.Result.Allowed)]
    [InlineData(null, null, "127.0.0.1", true, MetricsAccess.Result.NotFound)]
    [InlineData(null, null, "10.0.0.5", false, MetricsAccess.Result.NotFound)]
    [InlineData(null, "Bearer secret", "10.0.0.5", false, MetricsAccess.Result.NotFound)]
    [InlineData("secret", "Bearer secret", "10.0.0.5", false, MetricsAccess.Result.Allowed)]
    [InlineData("secret", "bearer secret", "10.0.0.5", true, MetricsAccess.Result.Allowed)]
    [InlineData("secret", "Bearer secre", "127.0.0.1", false, MetricsAccess.Result.Unauthorized)]
    [InlineData("secret", "Basic secret", "127.0.0.1", false, MetricsAccess.Result.Unauthorized)]
    [InlineData("secret", null, "127.0.0.1", false, MetricsAccess.Result.Unauthorized)]
    public void Who_may_read_the_metrics(string? token, string? authorization, string remote, bool proxied, MetricsAccess.Result expected) =>
        Assert.Equal(expected, MetricsAccess.Check(token, authorization, IPAddress.Parse(remote), proxied));
}
