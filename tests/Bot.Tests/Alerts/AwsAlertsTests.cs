using System.Net;
using Bot.Deployments;
using Bot.Commands;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Chat;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Alerts;

/// <summary>
/// <c>POST /alerts/aws</c> on the bot as served: SNS messages signed with a certificate made in the test, served by a fake
/// certificate host; CloudWatch alarms becoming alerts of the Lambda app that watches them.
/// </summary>
public sealed class AwsAlertsTests : IAsyncLifetime
{
    private readonly SnsSigner _signer = SnsSigner.Shared;
    private readonly RecordingPlatform _chat = new();
    private readonly SnsHost _sns;
    private readonly LogLines _logs = new();
    private BotWebHost _bot = null!;

    public AwsAlertsTests() => _sns = new SnsHost(_signer);

    public async Task InitializeAsync() => _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:api:Target"] = "lambda",
        ["Apps:api:Lambda:Function"] = "acme-api",
        ["Apps:api:Lambda:ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:{sha}",
        ["Apps:api:Lambda:Alarms:0"] = "api-latency",
        ["Apps:api:Lambda:Topics:0"] = SnsSigner.TopicArn,
        ["Apps:api:AlertChannels:0"] = "test:C0ALERTS",
        ["AWS_REGION"] = "us-east-1",
    }, services =>
    {
        services.AddSingleton<IChatPlatform>(_chat);
        services.AddHttpClient(SnsCertificates.ClientName).ConfigurePrimaryHttpMessageHandler(() => _sns);
        services.AddSingleton<ILoggerProvider>(_logs);
    });

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task A_signed_ALARM_opens_an_alert_in_the_apps_channel_and_the_OK_resolves_it()
    {
        var alarm = await PostAsync(_signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("api-errors", "ALARM"), "m-1")));
        var again = await PostAsync(_signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("api-errors", "ALARM"), "m-1")));
        var ok = await PostAsync(_signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("api-errors", "OK"), "m-2"), version: "1"));

        Assert.Equal(HttpStatusCode.OK, alarm.StatusCode);
        Assert.Equal("""{"status":"accepted"}""", await alarm.Content.ReadAsStringAsync());
        Assert.Equal("""{"status":"duplicate"}""", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal([AlertChange.New, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var (to, card, _) = _chat.Alerts[0];
        Assert.Equal(new Conversation("test", "C0ALERTS"), to);
        Assert.Equal("CloudWatch alarm api-errors is in ALARM", card.Alert.Title);
        Assert.Equal(AlertSeverity.Critical, card.Alert.Severity);
        Assert.StartsWith("Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (1.0).", card.Alert.Detail);
        Assert.Equal("https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/api-errors", card.Alert.Link);
        Assert.Equal(1, _sns.CertificateFetches);
    }

    [Fact]
    public async Task An_alarm_named_in_the_apps_Alarms_is_its_even_on_another_function()
    {
        await PostAsync(_signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("api-latency", "ALARM", function: "shared-gateway"))));
        var stranger = await PostAsync(_signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("db-cpu", "ALARM", function: "other"), "m-9")));

        Assert.Equal("api", Assert.Single(_chat.Alerts).Card.Alert.App);
        Assert.Contains("no app here watches alarm db-cpu", await stranger.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unsigned_mis_signed_or_foreign_certificate_messages_get_401_and_no_alert()
    {
        var signed = _signer.Sign(SnsSigner.Notification(SnsSigner.Alarm("api-errors", "ALARM")));
        var tampered = signed.DeepClone().AsObject();
        tampered["Message"] = SnsSigner.Alarm("api-errors", "OK");
        var foreign = SnsSigner.Notification(SnsSigner.Alarm("api-errors", "ALARM"));
        foreign["SigningCertURL"] = "https://attacker.example/SimpleNotificationService-1.pem";
        var unsigned = signed.DeepClone().AsObject();
        unsigned.Remove("Signature");
        var missingCert = signed.DeepClone().AsObject();
        missingCert["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-gone.pem";

        foreach (var body in new[] { tampered, _signer.Sign(foreign), unsigned, missingCert })
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body)).StatusCode);
        Assert.Empty(_chat.Alerts);
        Assert.DoesNotContain(_sns.Fetched, u => u.Host == "attacker.example");
    }

    [Fact]
    public async Task A_subscription_confirmation_is_confirmed_only_on_an_SNS_host()
    {
        const string subscribe = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + SnsSigner.TopicArn + "&Token=2336412f37";
        JsonObject Confirmation(string url) => _signer.Sign(new JsonObject
        {
            ["Type"] = "SubscriptionConfirmation", ["MessageId"] = Guid.NewGuid().ToString(), ["Token"] = "2336412f37", ["TopicArn"] = SnsSigner.TopicArn,
            ["Message"] = "You have chosen to subscribe to the topic. To confirm the subscription, visit the SubscribeURL included in this message.",
            ["SubscribeURL"] = url, ["Timestamp"] = "2026-12-01T10:00:00.000Z",
        });

        var good = await PostAsync(Confirmation(subscribe));
        var elsewhere = await PostAsync(Confirmation("https://evil.example/?Action=ConfirmSubscription"));

        Assert.Equal("""{"status":"confirmed"}""", await good.Content.ReadAsStringAsync());
        Assert.Contains("not confirmed", await elsewhere.Content.ReadAsStringAsync());
        Assert.Equal([subscribe], _sns.Fetched.Where(u => u.Query.Contains("ConfirmSubscription")).Select(u => u.ToString()));
    }

    [Fact]
    public async Task A_signed_message_from_a_topic_the_app_does_not_list_gets_403_a_log_line_and_no_alert_nor_confirmation()
    {
        const string other = "arn:aws:sns:us-east-1:999999999999:someone-elses";
        var alarm = SnsSigner.Notification(SnsSigner.Alarm("api-errors", "ALARM"), "m-x");
        alarm["TopicArn"] = other;
        var confirmation = new JsonObject
        {
            ["Type"] = "SubscriptionConfirmation", ["MessageId"] = "c-x", ["Token"] = "t0k", ["TopicArn"] = other,
            ["Message"] = "You have chosen to subscribe to the topic.", ["Timestamp"] = "2026-12-01T10:00:00.000Z",
            ["SubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + other + "&Token=t0k",
        };

        var refused = await PostAsync(_signer.Sign(alarm));
        var notConfirmed = await PostAsync(_signer.Sign(confirmation));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("topic arn:aws:sns:us-east-1:999999999999:someone-elses is not one this bot takes alerts from", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, notConfirmed.StatusCode);
        Assert.Empty(_chat.Alerts);
        Assert.DoesNotContain(_sns.Fetched, u => u.Query.Contains("ConfirmSubscription"));
        Assert.Contains(_logs.Lines, l => l.Contains($"SNS Notification from topic {other} refused: it is not in Lambda:Topics of api", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains($"SNS SubscriptionConfirmation from topic {other} refused: no app lists it", StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> PostAsync(JsonObject message) =>
        _bot.Client.PostAsync("/alerts/aws", new StringContent(message.ToJsonString(), Encoding.UTF8, "text/plain"));

    /// <summary>Every warning the bot logs, as an operator would read it.</summary>
    private sealed class LogLines : ILoggerProvider, ILogger
    {
        private readonly List<string> _lines = [];
        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lock (_lines) _lines.Add(formatter(state, exception));
        }

        public void Dispose() { }
    }

    /// <summary>sns.us-east-1.amazonaws.com as far as the bot can tell: the signing certificate and the confirmation URL.</summary>
    private sealed class SnsHost(SnsSigner signer) : HttpMessageHandler
    {
        private readonly List<Uri> _fetched = [];
        public int CertificateFetches => Fetched.Count(u => u.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal));
        public IReadOnlyList<Uri> Fetched { get { lock (_fetched) return [.. _fetched]; } }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            lock (_fetched) _fetched.Add(uri);
            var answer = uri.ToString() == SnsSigner.CertUrl
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(signer.CertificatePem) }
                : uri.Query.Contains("Action=ConfirmSubscription", StringComparison.Ordinal)
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<ConfirmSubscriptionResponse/>") }
                    : new HttpResponseMessage(HttpStatusCode.NotFound);
            return Task.FromResult(answer);
        }
    }
}
