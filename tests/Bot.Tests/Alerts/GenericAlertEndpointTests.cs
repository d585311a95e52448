using System.Net;
using Bot.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Chat;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Reliability;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Alerts;

/// <summary>
/// <c>POST /alerts/generic</c> on the bot as served, with Slack and LINE (spec-checking fakes) as the alert channels,
/// on a clock the test moves.
/// </summary>
public sealed class GenericAlertEndpointTests : IAsyncLifetime
{
    private const string Secret = "test-alerts-secret";
    private readonly WatchedTime _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeSlackApi _slack;
    private readonly FakeLineApi _line;
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;

    public GenericAlertEndpointTests()
    {
        _slack = new FakeSlackApi(_time);
        _line = new FakeLineApi(_time);
    }

    public async Task InitializeAsync()
    {
        var network = new FlakyNetwork(_time, (_slack.ApiBase, _slack), (_line.ApiBase, _line));
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["ALERTS_SECRET"] = Secret,
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
            ["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken,
            ["LINE_API_URL"] = _line.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
            ["Apps:example:Environments:0"] = "production",
            ["Apps:example:Environments:1"] = "staging",
            ["Apps:example:AlertChannels:0"] = "slack:C0ALERTS",
            ["Apps:example:AlertChannels:1"] = $"line:{LinePayloads.Group}",
            ["Apps:other:Target"] = "fake",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.AddSingleton<TimeProvider>(_time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => network));
        });
        _line.AddProfile(LinePayloads.Alice, "Alice");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string body, DateTimeOffset? at = null, string? signature = null, string contentType = "application/json",
        bool sign = true)
    {
        var timestamp = (at ?? _time.GetUtcNow()).ToUnixTimeSeconds().ToString();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/alerts/generic") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (sign)
        {
            request.Headers.Add("X-Deploybot-Timestamp", timestamp);
            request.Headers.Add("X-Deploybot-Signature", signature ?? AlertSignature.Sign(Secret, timestamp, bytes));
        }
        return _host.Client.SendAsync(request);
    }

    private static string Body(string app = "example", string title = "Error rate above 5%", string? detail = null, string? status = null) =>
        new JsonObject
        {
            ["app"] = app, ["title"] = title, ["severity"] = "critical", ["source"] = "grafana", ["dedupe_key"] = "error-rate",
            ["detail"] = detail ?? "5xx at 7.2% for 5 minutes", ["link"] = "https://grafana.example/d/errors", ["status"] = status ?? "firing",
        }.ToJsonString();

    private async Task SettleAsync()
    {
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<DeploymentCards>().IdleAsync();
        // A failure's announcement runs as background work the notifier started; it hands Slack the alert card.
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<SlackPlatform>().SettleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private static string Words(JsonObject args) => string.Join("\n", args["blocks"]!.AsArray()
        .Where(b => (string?)b!["type"] == "section").Select(b => (string?)b!["text"]!["text"]));

    private static List<(string? Label, string? Command)> Buttons(JsonObject args) => args["blocks"]!.AsArray()
        .Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
        .Select(e => ((string?)e!["text"]!["text"], (string?)e["value"])).ToList();

    private async Task<JsonObject> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task A_signed_alert_reaches_slack_and_line_once_and_fifty_repeats_make_one_message_that_reads_51()
    {
        var first = await AcceptedAsync(await PostAsync(Body()));
        Assert.Equal(("accepted", 1, "firing"), ((string?)first["status"], (int?)first["count"], (string?)first["state"]));
        await SettleAsync();

        var post = Assert.Single(_slack.CallsTo("chat.postMessage"));
        Assert.Equal("C0ALERTS", (string?)post.Args["channel"]);
        Assert.Contains("*🔴 example: Error rate above 5%*", Words(post.Args));
        Assert.Contains("<https://grafana.example/d/errors|Open in grafana>", Words(post.Args));
        Assert.Equal([("Logs", "logs example 100 since 5m"), ("Roll back", "rollback example"), ("Mute 1h", "mute example 1h")], Buttons(post.Args));
        var push = Assert.Single(_line.Pushes);
        Assert.Equal(LinePayloads.Group, push.Target);
        Assert.StartsWith("🔴 example: Error rate above 5%", (string?)push.Messages![0]!["altText"]);
        var lineButtons = push.Messages[0]!["contents"]!["footer"]!["contents"]!.AsArray().Select(b => (string?)b!["action"]!["label"]).ToList();
        Assert.Equal(["Open in grafana", "Logs", "Roll back", "Mute 1h"], lineButtons);

        // Fifty repeats in the same second (each a new, signed request): counted on the first alert, one edit.
        for (var i = 1; i <= 50; i++)
        {
            var repeat = await AcceptedAsync(await PostAsync(Body(detail: $"5xx at 7.{i}%")));
            Assert.Equal(i + 1, (int?)repeat["count"]);
        }
        await SettleAsync();
        Assert.Empty(_slack.CallsTo("chat.update"));
        _time.Advance(SlackLiveMessages.UpdateInterval);
        await SettleAsync();

        Assert.Single(_slack.CallsTo("chat.postMessage"));
        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.Equal("C0ALERTS", (string?)update.Args["channel"]);
        Assert.Contains("51 times since 09:00 UTC", Words(update.Args));
        Assert.Contains("5xx at 7.50%", Words(update.Args));
        Assert.Single(_line.Pushes); // LINE hears of new and resolved alerts only: pushes count against the month's quota

        // Resolved: the same Slack message says so, LINE gets one more push.
        _time.Advance(TimeSpan.FromMinutes(4));
        var resolved = await AcceptedAsync(await PostAsync(Body(status: "resolved")));
        Assert.Equal("resolved", (string?)resolved["state"]);
        await SettleAsync();
        var last = _slack.CallsTo("chat.update")[^1];
        Assert.Contains("*✅ example: Error rate above 5%*", Words(last.Args));
        Assert.Contains("resolved 09:04 UTC after 4m", Words(last.Args));
        Assert.Equal([("Logs", "logs example 100 since 10m")], Buttons(last.Args));
        Assert.Equal(2, _line.Pushes.Count);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
        _slack.AssertNoViolations();
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_burst_of_a_thousand_identical_alerts_is_one_message_edited_at_most_once_a_second()
    {
        var router = _host.Get<AlertRouter>();
        var alert = new Alert("prometheus", "example", null, AlertSeverity.Warning, "Queue depth above 1000", null, null, "queue-depth", false, _time.GetUtcNow());
        for (var i = 0; i < 1000; i++)
        {
            await router.ReceiveAsync(alert with { At = _time.GetUtcNow() }, default);
            _time.Advance(TimeSpan.FromMilliseconds(7)); // 1,000 alerts over 7 seconds
            await SettleAsync();
        }
        _time.Advance(SlackLiveMessages.UpdateInterval);
        await SettleAsync();

        Assert.Single(_slack.CallsTo("chat.postMessage"));
        var updates = _slack.CallsTo("chat.update");
        Assert.InRange(updates.Count, 1, 8);
        var times = new[] { _slack.CallsTo("chat.postMessage")[0].At }.Concat(updates.Select(u => u.At)).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= SlackLiveMessages.UpdateInterval, $"{pair.First:O} → {pair.Second:O}"));
        Assert.Contains("1000 times since", Words(updates[^1].Args));
        Assert.Single(_line.Pushes);
        var stored = Assert.Single(await _host.Get<IDeploymentStore>().AlertsAsync("example", 10, default));
        Assert.Equal(1000, stored.Count);
    }

    [Fact]
    public async Task Signatures_bad_missing_expired_or_replayed_are_refused_and_a_replay_is_taken_once()
    {
        var body = Body();
        var bad = await PostAsync(body, signature: AlertSignature.Sign("not-the-secret", _time.GetUtcNow().ToUnixTimeSeconds().ToString(), Encoding.UTF8.GetBytes(body)));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid signature"), (bad.StatusCode, await bad.Content.ReadAsStringAsync()));
        var missing = await PostAsync(body, sign: false);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("missing X-Deploybot-Signature", await missing.Content.ReadAsStringAsync());
        var expired = await PostAsync(body, at: _time.GetUtcNow().AddMinutes(-6));
        Assert.Equal((HttpStatusCode.Unauthorized, "request timestamp is more than 5 minutes off"), (expired.StatusCode, await expired.Content.ReadAsStringAsync()));
        var future = await PostAsync(body, at: _time.GetUtcNow().AddMinutes(6));
        Assert.Equal(HttpStatusCode.Unauthorized, future.StatusCode);
        // Signed over another body: tampering is a bad signature.
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString();
        var tampered = await PostAsync(body.Replace("example", "other"), signature: AlertSignature.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Empty(await _host.Get<IDeploymentStore>().AlertsAsync(null, 10, default));

        // The same signed request twice: the second is answered, not recorded again.
        var signature = AlertSignature.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(body));
        await AcceptedAsync(await PostAsync(body, signature: signature));
        var replay = await PostAsync(body, signature: signature);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("duplicate", (string?)JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["status"]);
        Assert.Equal(1, Assert.Single(await _host.Get<IDeploymentStore>().AlertsAsync(null, 10, default)).Count);
        // The known vector: hex HMAC-SHA256 over "v1:{timestamp}:{body}".
        Assert.Equal("v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v1:1:{}"))),
            AlertSignature.Sign("k", "1", "{}"u8));
    }

    [Theory]
    [InlineData("not json", "expected a JSON object")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("{\"title\":\"x\"}", "field 'app' (a string) is required")]
    [InlineData("{\"app\":42,\"title\":\"x\"}", "field 'app' (a string) is required")]
    [InlineData("{\"app\":\"nope\",\"title\":\"x\"}", "unknown app 'nope'; this bot has: example, other")]
    [InlineData("{\"app\":\"example\"}", "field 'title' (a string) is required")]
    [InlineData("{\"app\":\"example\",\"title\":\"  \"}", "field 'title' (a string) is required")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"env\":\"qa\"}", "app 'example' has no environment 'qa'; it has: production, staging")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"severity\":\"huge\"}", "field 'severity' should be info, warning or critical")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"status\":\"ok\"}", "field 'status' should be firing or resolved")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"link\":\"javascript:alert(1)\"}", "field 'link' should be an http(s) URL")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"link\":7}", "field 'link' should be an http(s) URL")]
    [InlineData("{\"app\":\"example\",\"title\":\"x\",\"app\":\"other\"}", "expected a JSON object")]
    public async Task A_malformed_body_is_a_400_with_the_reason(string body, string reason)
    {
        var response = await PostAsync(body);
        Assert.Equal((HttpStatusCode.BadRequest, reason), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Empty(await _host.Get<IDeploymentStore>().AlertsAsync(null, 10, default));
    }

    [Fact]
    public async Task Wrong_content_type_is_415_an_oversized_body_413_and_neither_is_recorded()
    {
        var form = await PostAsync("app=example&title=x", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        var huge = await PostAsync(Body(detail: new string('x', Bot.Http.Webhook.MaxBodyBytes)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var tooLong = await PostAsync(Body(title: new string('t', 301)));
        Assert.Equal((HttpStatusCode.BadRequest, "field 'title' is longer than 300 characters"), (tooLong.StatusCode, await tooLong.Content.ReadAsStringAsync()));
        Assert.Empty(await _host.Get<IDeploymentStore>().AlertsAsync(null, 10, default));
    }

    [Fact]
    public async Task A_failed_deploy_started_from_line_is_announced_in_the_slack_alert_channel()
    {
        _target.FailWith = "health check never passed";
        var deploy = LinePayloads.Text("deploy example main", "01JB0000000000000000000001", replyToken: "token-1");
        Assert.Equal(HttpStatusCode.OK, (await _host.PostLineAsync(LinePayloads.Body(deploy))).StatusCode);
        await SettleAsync();
        using (var updates = _host.Get<DeploymentFeed>().Subscribe())
        {
            var d = await _host.Get<IDeploymentStore>().GetAsync(1, default);
            while (d!.IsActive) d = (await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Deployment;
            Assert.Equal(DeploymentState.Failed, d.State);
        }
        await SettleAsync();

        var post = Assert.Single(_slack.CallsTo("chat.postMessage"));
        Assert.Equal("C0ALERTS", (string?)post.Args["channel"]);
        Assert.Contains("*🔴 example production: Deploy #1 of main failed*", Words(post.Args));
        Assert.Contains("asked by Alice in line", Words(post.Args));
        Assert.Equal(["Logs", "Roll back", "Mute 1h"], Buttons(post.Args).Select(b => b.Label));
        // The LINE alert group hears of it too (it was asked in Alice's own chat, not there).
        Assert.Contains(_line.Pushes, p => p.Target == LinePayloads.Group && ((string?)p.Messages![0]!["altText"])!.Contains("Deploy #1 of main failed"));
        _slack.AssertNoViolations();
        _line.AssertNoViolations();
    }
}
