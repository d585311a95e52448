using System.Net;
using Bot.Deployments;
using Bot.Commands;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Chat;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Alerts;

/// <summary><c>POST /alerts/gcp</c>: Cloud Monitoring incidents by webhook (shared token) and by Pub/Sub push (OIDC), as alerts of the app.</summary>
public sealed class GcpAlertsTests : IAsyncLifetime
{
    private const string Token = "test-gcp-alerts-token-5d6e7f";
    private const string Account = "monitoring-push@acme-prod.iam.gserviceaccount.com";
    private const string Audience = "https://bot.example.com/alerts/gcp";
    private readonly RecordingPlatform _chat = new();
    private FakeGoogleCerts _certs = null!;
    private BotWebHost _bot = null!;

    public async Task InitializeAsync()
    {
        _certs = await FakeGoogleCerts.StartAsync();
        _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:site:Target"] = "cloudrun",
            ["Apps:site:CloudRun:Project"] = "acme-prod",
            ["Apps:site:CloudRun:Region"] = "asia-northeast1",
            ["Apps:site:CloudRun:Service"] = "site",
            ["Apps:site:CloudRun:Image"] = "asia-docker.pkg.dev/acme-prod/apps/site:{sha}",
            ["Apps:site:AlertChannels:0"] = "test:C0ALERTS",
            ["GCP_ALERTS_TOKEN"] = Token,
            ["GCP_PUSH_SERVICE_ACCOUNT"] = Account,
            ["BOT_PUBLIC_URL"] = "https://bot.example.com/",
            ["GOOGLE_OIDC_CERTS_URL"] = _certs.CertsUrl.ToString(),
        }, services => services.AddSingleton<IChatPlatform>(_chat));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _certs.DisposeAsync();
    }

    /// <summary>A Cloud Monitoring notification (schema 1.2) for the service <c>site</c>.</summary>
    private static string Incident(string state, string id = "0.nabc123", string service = "site") => new JsonObject
    {
        ["version"] = "1.2",
        ["incident"] = new JsonObject
        {
            ["incident_id"] = id, ["scoping_project_id"] = "acme-prod", ["scoping_project_number"] = 123456789012,
            ["url"] = $"https://console.cloud.google.com/monitoring/alerting/incidents/{id}?project=acme-prod",
            ["started_at"] = 1764576000, ["ended_at"] = state == "closed" ? 1764576600 : null, ["state"] = state,
            ["summary"] = "Request latency for site is above the threshold of 1000 ms with a value of 2350 ms.",
            ["apigee_url"] = "", ["observed_value"] = "2350", ["threshold_value"] = "1000",
            ["resource"] = new JsonObject { ["type"] = "cloud_run_revision", ["labels"] = new JsonObject { ["project_id"] = "acme-prod", ["service_name"] = service, ["location"] = "asia-northeast1" } },
            ["resource_type_display_name"] = "Cloud Run Revision",
            ["metric"] = new JsonObject { ["type"] = "run.googleapis.com/request_latencies", ["displayName"] = "Request Latencies" },
            ["policy_name"] = "Site latency", ["condition_name"] = "p99 latency above 1 s", ["severity"] = "Critical",
            ["documentation"] = new JsonObject { ["content"] = "Check `logs site` and roll back if a deploy caused it.", ["mime_type"] = "text/markdown" },
        },
    }.ToJsonString();

    private static string Push(string incident, string messageId) => new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(incident)), ["messageId"] = messageId, ["publishTime"] = "2026-12-01T10:00:00.000Z",
        },
        ["subscription"] = "projects/acme-prod/subscriptions/deploybot-alerts",
    }.ToJsonString();

    private Task<HttpResponseMessage> PostAsync(string body, string path = $"/alerts/gcp?token={Token}", AuthenticationHeaderValue? auth = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = auth;
        return _bot.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_monitoring_incident_opens_an_alert_of_the_app_and_its_close_resolves_it()
    {
        var open = await PostAsync(Incident("open"));
        var again = await PostAsync(Incident("open"));
        var closed = await PostAsync(Incident("closed"), "/alerts/gcp", new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"monitoring:{Token}"))));

        Assert.Equal(HttpStatusCode.Accepted, open.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);
        Assert.Equal([AlertChange.New, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var alert = _chat.Alerts[0].Card.Alert;
        Assert.Equal(("gcp", "site", "production", AlertSeverity.Critical), (alert.Source, alert.App, alert.Env, alert.Severity));
        Assert.Equal("Site latency: p99 latency above 1 s", alert.Title);
        Assert.Contains("above the threshold of 1000 ms", alert.Detail);
        Assert.Equal("https://console.cloud.google.com/monitoring/alerting/incidents/0.nabc123?project=acme-prod", alert.Link);
        Assert.Equal(new Conversation("test", "C0ALERTS"), _chat.Alerts[0].To);
    }

    [Fact]
    public async Task A_wrong_or_missing_token_gets_401_and_an_incident_of_another_service_is_ignored()
    {
        var wrong = await PostAsync(Incident("open"), "/alerts/gcp?token=not-the-token");
        var missing = await PostAsync(Incident("open"), "/alerts/gcp");
        var other = await PostAsync(Incident("open", service: "billing"));
        var notIncident = await PostAsync("""{"version":"1.2"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid token", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("ignored", await other.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, notIncident.StatusCode);
        Assert.Empty(_chat.Alerts);
    }

    [Fact]
    public async Task A_pubsub_push_with_a_good_oidc_token_becomes_an_alert_once()
    {
        var token = new AuthenticationHeaderValue("Bearer", _certs.IdToken(Audience, Account));

        var first = await PostAsync(Push(Incident("open"), "1001"), "/alerts/gcp", token);
        var redelivered = await PostAsync(Push(Incident("open"), "1001"), "/alerts/gcp", token);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Contains("accepted", await first.Content.ReadAsStringAsync());
        Assert.Contains("duplicate", await redelivered.Content.ReadAsStringAsync());
        Assert.Equal("Site latency: p99 latency above 1 s", Assert.Single(_chat.Alerts).Card.Alert.Title);
    }

    [Theory]
    [InlineData("expired", "the OIDC token has expired")]
    [InlineData("audience", "the OIDC token is for another audience")]
    [InlineData("account", "the OIDC token is not of GCP_PUSH_SERVICE_ACCOUNT")]
    [InlineData("key", "invalid OIDC token")]
    [InlineData("none", "missing the push's OIDC token (Authorization: Bearer)")]
    [InlineData("shared", "missing the push's OIDC token (Authorization: Bearer)")]
    public async Task A_pubsub_push_without_a_good_oidc_token_gets_401(string what, string reason)
    {
        using var other = RSA.Create(2048);
        var jwt = what switch
        {
            "expired" => _certs.IdToken(Audience, Account, age: TimeSpan.FromHours(2)),
            "audience" => _certs.IdToken("https://elsewhere.example.com/alerts/gcp", Account),
            "account" => _certs.IdToken(Audience, "someone@evil.iam.gserviceaccount.com"),
            "key" => _certs.IdToken(Audience, Account, key: other),
            _ => null,
        };
        // The shared token of webhooks does not stand in for a push's OIDC token.
        var path = what == "shared" ? $"/alerts/gcp?token={Token}" : "/alerts/gcp";

        var response = await PostAsync(Push(Incident("open"), "2002"), path, jwt is null ? null : new AuthenticationHeaderValue("Bearer", jwt));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(reason, await response.Content.ReadAsStringAsync());
        Assert.Empty(_chat.Alerts);
    }

    [Fact]
    public void The_shared_token_is_compared_whole_and_read_from_the_query_or_basic_auth()
    {
        Assert.Equal(SignatureCheck.Valid, GcpToken.VerifyShared(Token, Token, null));
        Assert.Equal(SignatureCheck.Mismatch, GcpToken.VerifyShared(Token, Token[..^1], null));
        Assert.Equal(SignatureCheck.Valid, GcpToken.VerifyShared(Token, null, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"u:{Token}"))));
        Assert.Equal(SignatureCheck.Missing, GcpToken.VerifyShared(Token, null, "Basic !!!"));
        Assert.Equal(SignatureCheck.Missing, GcpToken.VerifyShared(Token, "", null));
    }
}
