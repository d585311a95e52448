using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Sources;
using Bot.Sources.GitHub;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Sources.GitHub;

/// <summary><c>POST /github/webhook</c> on the whole bot (as <c>serve</c> runs it), with the engine's sink replaced by a recording one.</summary>
public sealed class GitHubWebhookTests : IAsyncLifetime
{
    private const string Secret = "test-github-webhook-secret";
    private readonly RecordingPushSink _sink = new();
    private BotWebHost _bot = null!;

    public async Task InitializeAsync() => _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
    {
        ["GITHUB_WEBHOOK_SECRET"] = Secret,
    }, services => services.AddSingleton<IPushSink>(_sink), worker: false);

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Theory]
    [MemberData(nameof(GitHubDeliveryTests.Examples), MemberType = typeof(GitHubDeliveryTests))]
    public async Task Every_example_is_answered_and_handed_on_as_its_event_means(string example)
    {
        var name = GitHubDeliveryTests.EventOf(example);
        var json = JsonNode.Parse(GitHubDeliveryTests.Example(example))!;

        var response = await PostAsync(GitHubDeliveryTests.Example(example), name);
        var text = await response.Content.ReadAsStringAsync();

        switch (name)
        {
            case "ping":
                Assert.Equal((HttpStatusCode.OK, "pong"), (response.StatusCode, text));
                Assert.Equal(0, _sink.Calls);
                break;
            case "push" when json["ref"]!.GetValue<string>().StartsWith("refs/tags/", StringComparison.Ordinal):
                Assert.Equal((HttpStatusCode.Accepted, "ignored: tag simple-tag (only branches deploy)"), (response.StatusCode, text));
                Assert.Equal(0, _sink.Calls);
                break;
            case "push":
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal("push to master at 6113728 accepted", text);
                Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", Assert.Single(_sink.Pushes).Sha);
                break;
            default:
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var (repository, sha) = Assert.Single(_sink.ChecksChanged);
                Assert.Equal(json["repository"]!["full_name"]!.GetValue<string>(), repository);
                Assert.StartsWith($"checks of {sha[..7]}", text);
                break;
        }
    }

    [Fact]
    public async Task A_push_reaches_the_sink_with_its_fields()
    {
        var response = await PostAsync(GitHubDeliveryTests.Example("push/with-new-branch.payload.json"), "push");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var push = Assert.Single(_sink.Pushes);
        Assert.Equal(("Codertocat/Hello-World", "master", "github:Codertocat", 1), (push.Repository, push.Branch, push.Pusher, push.Commits.Count));
    }

    [Fact]
    public async Task A_redelivery_is_answered_but_reaches_the_sink_once()
    {
        var body = GitHubDeliveryTests.Example("push/with-new-branch.payload.json");
        var delivery = Guid.NewGuid().ToString();

        var first = await PostAsync(body, "push", delivery);
        var second = await PostAsync(body, "push", delivery);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "duplicate delivery, ignored"), (second.StatusCode, await second.Content.ReadAsStringAsync()));
        Assert.Single(_sink.Pushes);
    }

    [Fact]
    public async Task A_wrong_or_missing_signature_gets_401_and_nothing_is_handed_on()
    {
        var body = GitHubDeliveryTests.Example("push/with-new-branch.payload.json");

        var wrong = await PostAsync(body, "push", signature: GitHubSignature.Sign("not-the-secret", body));
        var missing = await PostAsync(body, "push", signature: "");

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid signature"), (wrong.StatusCode, await wrong.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.Unauthorized, "missing X-Hub-Signature-256"), (missing.StatusCode, await missing.Content.ReadAsStringAsync()));
        Assert.Equal(0, _sink.Calls);
    }

    [Theory]
    [InlineData(null, "d1", "missing X-GitHub-Event")]
    [InlineData("push", null, "missing X-GitHub-Delivery")]
    public async Task A_delivery_without_its_event_or_id_gets_400(string? name, string? delivery, string reason)
    {
        var response = await PostAsync(GitHubDeliveryTests.Example("push/with-new-branch.payload.json"), name, delivery ?? "", omitDelivery: delivery is null);

        Assert.Equal((HttpStatusCode.BadRequest, reason), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, _sink.Calls);
    }

    [Theory]
    [InlineData("push", "{not json")]
    [InlineData("push", """{"ref":"refs/heads/main","repository":{"full_name":"o/r"}}""")]
    [InlineData("workflow_run", """{"workflow_run":{"head_sha":7},"repository":{"full_name":"o/r"}}""")]
    public async Task A_signed_body_that_is_not_its_event_gets_400_with_a_reason(string name, string body)
    {
        var response = await PostAsync(Encoding.UTF8.GetBytes(body), name);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public async Task Another_event_is_accepted_and_ignored()
    {
        var response = await PostAsync("""{"action":"opened"}"""u8.ToArray(), "issues");

        Assert.Equal((HttpStatusCode.Accepted, "ignored: issues events are not used"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public async Task A_form_encoded_delivery_is_told_to_use_json()
    {
        var response = await PostAsync("payload=%7B%7D"u8.ToArray(), "push", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("set the webhook's content type to application/json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sink_that_fails_gets_a_503_with_one_line_never_an_exception()
    {
        var body = GitHubDeliveryTests.Example("push/with-new-branch.payload.json");
        _sink.Fail = new InvalidOperationException("database is locked");
        var afterNoting = await PostAsync(body, "push");
        _sink.Fail = null;
        _sink.FailDelivery = new InvalidOperationException("database is locked");
        var beforeNoting = await PostAsync(body, "push");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterNoting.StatusCode);
        Assert.Equal("the delivery was noted but could not be recorded; push again to deploy this commit", await afterNoting.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, beforeNoting.StatusCode);
        Assert.Equal("the bot's store could not be reached; redeliver this delivery later", await beforeNoting.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fuzzed_signed_bodies_are_never_answered_5xx()
    {
        var random = new Random(20261206);
        var seeds = GitHubDeliveryTests.Files;
        string[] events = ["push", "check_run", "check_suite", "status", "workflow_run", "ping", "issues"];
        for (var i = 0; i < 150; i++)
        {
            var body = GitHubDeliveryTests.Example(seeds[random.Next(seeds.Count)]);
            var cut = random.Next(3) switch
            {
                0 => body[..random.Next(body.Length)],
                1 => Flip(body, random),
                _ => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"", random.Next(2) == 0 ? "'" : "\"\"")),
            };
            var response = await PostAsync(cut, events[random.Next(events.Length)]);
            Assert.True((int)response.StatusCode is 200 or 202 or 400, $"case {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Without_the_secret_the_endpoint_is_off_and_says_which_variable_to_set()
    {
        await using var bot = await BotWebHost.StartAsync(new Dictionary<string, string?>(), services => services.AddSingleton<IPushSink>(_sink), worker: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhook.Path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "ping");
        request.Headers.Add("X-GitHub-Delivery", "d1");

        var response = await bot.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("GitHub webhooks are off on this bot (GITHUB_WEBHOOK_SECRET is not set)", await response.Content.ReadAsStringAsync());
    }

    private static byte[] Flip(byte[] body, Random random)
    {
        var copy = (byte[])body.Clone();
        for (var n = 0; n < 1 + random.Next(8); n++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
        return copy;
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body, string? name, string? delivery = null, string? signature = null,
        bool omitDelivery = false, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (name is not null) request.Headers.Add("X-GitHub-Event", name);
        if (!omitDelivery) request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        if (signature is not "") request.Headers.Add(GitHubSignature.Header, signature ?? GitHubSignature.Sign(Secret, body));
        return _bot.Client.SendAsync(request);
    }
}
