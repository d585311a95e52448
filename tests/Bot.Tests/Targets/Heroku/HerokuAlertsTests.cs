using System.Net;
using Bot.Deployments;
using Bot.Commands;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Chat;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary><c>POST /alerts/heroku</c>: Heroku app webhooks, signed, turned into alerts of the app that owns the Heroku app.</summary>
public sealed class HerokuAlertsTests : IAsyncLifetime
{
    private static readonly JsonObject Vector = Specs.Vector("heroku-derived");
    private static readonly string Secret = Vector["secret"]!.GetValue<string>();
    private readonly RecordingPlatform _chat = new();
    private BotWebHost _bot = null!;

    public async Task InitializeAsync() => _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:web:Target"] = "heroku",
        ["Apps:web:Heroku:App"] = "acme-web",
        ["Apps:web:AlertChannels:0"] = "test:C0ALERTS",
        ["HEROKU_API_KEY"] = FakeHerokuApi.ApiKey,
        ["HEROKU_WEBHOOK_SECRET"] = Secret,
    }, services => services.AddSingleton<IChatPlatform>(_chat));

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public void The_signature_is_the_base64_HMAC_of_the_body_as_in_the_vector()
    {
        var body = Encoding.UTF8.GetBytes(Vector["body"]!.GetValue<string>());
        var expected = Vector["expected"]!.GetValue<string>();

        Assert.Equal(expected, HerokuSignature.Sign(Secret, body));
        Assert.Equal(SignatureCheck.Valid, HerokuSignature.Verify(Secret, body, expected));
        Assert.Equal(SignatureCheck.Mismatch, HerokuSignature.Verify(Secret, [.. body, (byte)' '], expected));
        Assert.Equal(SignatureCheck.Mismatch, HerokuSignature.Verify("another-secret", body, expected));
        Assert.Equal(SignatureCheck.Mismatch, HerokuSignature.Verify(Secret, body, "not base64!"));
        Assert.Equal(SignatureCheck.Missing, HerokuSignature.Verify(Secret, body, null));
    }

    [Fact]
    public async Task The_vector_passes_the_endpoints_check_and_a_wrong_or_missing_signature_gets_401()
    {
        var body = Vector["body"]!.GetValue<string>();

        var signed = await PostAsync(body, Vector["expected"]!.GetValue<string>());
        var wrong = await PostAsync(body, HerokuSignature.Sign("not-the-secret", Encoding.UTF8.GetBytes(body)));
        var missing = await PostAsync(body, signature: "");

        // The vector's event names no app: past the signature, it is refused as malformed, not as unsigned.
        Assert.Equal(HttpStatusCode.BadRequest, signed.StatusCode);
        Assert.Equal("field 'data.app.name' (a string) is required", await signed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("missing Heroku-Webhook-Hmac-SHA256", await missing.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"resource":"build"}""")]
    [InlineData("""{"data":{"app":{"name":"acme-web"}}}""")]
    public async Task A_signed_body_that_is_not_an_event_gets_400_with_a_reason(string body)
    {
        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failed_build_fires_and_the_next_good_build_resolves_it()
    {
        var failed = await PostAsync(Event("build", new JsonObject { ["id"] = "01234567-89ab-cdef-0123-456789abcdef", ["status"] = "failed",
            ["source_blob"] = new JsonObject { ["version"] = "3f2a1c9d0e" } }));
        var good = await PostAsync(Event("build", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["status"] = "succeeded" }));

        Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
        Assert.Equal("""{"status":"accepted"}""", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        Assert.Equal([AlertChange.New, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var (to, card, _) = _chat.Alerts[0];
        Assert.Equal(new Conversation("test", "C0ALERTS"), to);
        Assert.Equal("Heroku build of acme-web failed", card.Alert.Title);
        Assert.Equal(AlertSeverity.Warning, card.Alert.Severity);
        Assert.Contains("of 3f2a1c9d by dev@example.com failed", card.Alert.Detail);
        Assert.Equal("https://dashboard.heroku.com/apps/acme-web/activity/builds/01234567-89ab-cdef-0123-456789abcdef", card.Alert.Link);
        Assert.Equal(("web", "production"), (card.Alert.App, card.Alert.Env));
    }

    [Fact]
    public async Task A_failed_release_is_critical()
    {
        await PostAsync(Event("release", new JsonObject { ["version"] = 124, ["status"] = "failed", ["description"] = "Deploy 3f2a1c9d" }));

        var alert = Assert.Single(_chat.Alerts).Card.Alert;
        Assert.Equal("Heroku release v124 of acme-web failed", alert.Title);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
    }

    [Fact]
    public async Task Crashed_dynos_of_one_process_type_are_one_alert_that_a_dyno_coming_up_resolves()
    {
        await PostAsync(Event("dyno", new JsonObject { ["name"] = "web.1", ["type"] = "web", ["state"] = "crashed", ["release"] = new JsonObject { ["version"] = 124 } }));
        await PostAsync(Event("dyno", new JsonObject { ["name"] = "web.2", ["type"] = "web", ["state"] = "crashed" }));
        await PostAsync(Event("dyno", new JsonObject { ["name"] = "web.1", ["type"] = "web", ["state"] = "up" }));

        Assert.Equal([AlertChange.New, AlertChange.Repeated, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var first = _chat.Alerts[0].Card.Alert;
        Assert.Equal("web.1 of acme-web crashed", first.Title);
        Assert.Contains("running v124", first.Detail);
        Assert.Contains("`logs web dyno web.1`", first.Detail);
        Assert.Equal(AlertSeverity.Critical, first.Severity);
    }

    [Fact]
    public async Task A_redelivery_of_the_same_delivery_is_taken_once_but_other_events_of_the_webhook_are_not()
    {
        var body = Event("dyno", new JsonObject { ["name"] = "web.1", ["type"] = "web", ["state"] = "crashed" });

        var first = await PostAsync(body, webhookId: "webhook-1");
        var again = await PostAsync(body, webhookId: "webhook-1");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("""{"status":"duplicate"}""", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Single(_chat.Alerts);

        // The header may name the webhook rather than the delivery: another event under it still counts.
        var other = await PostAsync(Event("build", new JsonObject { ["status"] = "failed" }), webhookId: "webhook-1");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.DoesNotContain("duplicate", await other.Content.ReadAsStringAsync());
        Assert.Equal(2, _chat.Alerts.Count);
    }

    [Fact]
    public async Task Events_of_other_apps_and_of_nothing_wrong_are_acknowledged_and_ignored()
    {
        var stranger = await PostAsync(Event("build", new JsonObject { ["status"] = "failed" }, app: "someone-else"));
        var pending = await PostAsync(Event("build", new JsonObject { ["status"] = "pending" }));

        Assert.Equal(HttpStatusCode.Accepted, stranger.StatusCode);
        Assert.Contains("no app here has Heroku:App = someone-else", await stranger.Content.ReadAsStringAsync());
        Assert.Contains("\"ignored\"", await pending.Content.ReadAsStringAsync());
        Assert.Empty(_chat.Alerts);
    }

    [Fact]
    public async Task Without_HEROKU_WEBHOOK_SECRET_the_endpoint_trusts_nothing()
    {
        await using var bot = await BotWebHost.StartAsync(new Dictionary<string, string?>());
        var body = Event("dyno", new JsonObject { ["name"] = "web.1", ["state"] = "crashed" });
        var request = new HttpRequestMessage(HttpMethod.Post, "/alerts/heroku") { Content = new StringContent(body) };
        request.Headers.Add("Heroku-Webhook-Hmac-SHA256", HerokuSignature.Sign(Secret, Encoding.UTF8.GetBytes(body)));

        var response = await bot.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("HEROKU_WEBHOOK_SECRET is not set", await response.Content.ReadAsStringAsync());
    }

    /// <summary>An event as Heroku posts it: resource, action, actor, data (with the app), webhook metadata.</summary>
    private static string Event(string resource, JsonObject data, string app = "acme-web")
    {
        data["app"] = new JsonObject { ["id"] = "01234567-89ab-cdef-0123-456789abcdef", ["name"] = app };
        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["action"] = "update", ["resource"] = resource, ["version"] = "application/vnd.heroku+json; version=3",
            ["actor"] = new JsonObject { ["email"] = "dev@example.com", ["id"] = Guid.NewGuid().ToString() },
            ["data"] = data, ["previous_data"] = new JsonObject(), ["created_at"] = "2026-11-25T10:00:00Z",
            ["webhook_metadata"] = new JsonObject { ["event"] = new JsonObject { ["include"] = $"api:{resource}" }, ["delivery"] = new JsonObject { ["id"] = Guid.NewGuid().ToString() } },
        }.ToJsonString();
    }

    private Task<HttpResponseMessage> PostAsync(string body, string? signature = null, string? webhookId = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/alerts/heroku") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not "") request.Headers.Add("Heroku-Webhook-Hmac-SHA256", signature ?? HerokuSignature.Sign(Secret, bytes));
        request.Headers.Add("Heroku-Webhook-Id", webhookId ?? Guid.NewGuid().ToString());
        return _bot.Client.SendAsync(request);
    }
}
