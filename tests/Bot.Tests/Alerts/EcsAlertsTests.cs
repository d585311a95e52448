using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Alerts;
using Bot.Chat;
using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Alerts;

/// <summary>
/// ECS events (EventBridge → SNS → <c>POST /alerts/aws</c>) on the bot as served: a failed deployment and a task that exited
/// non-zero become alerts of the ecs app whose <c>Ecs:Cluster</c> and <c>Ecs:Service</c> they are of; a completed deployment
/// resolves both.
/// </summary>
public sealed class EcsAlertsTests : IAsyncLifetime
{
    private readonly SnsSigner _signer = SnsSigner.Shared;
    private readonly RecordingPlatform _chat = new();
    private BotWebHost _bot = null!;
    private int _messages;

    public async Task InitializeAsync() => _bot = await BotWebHost.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:shop:Target"] = "ecs",
        ["Apps:shop:Ecs:Region"] = "us-east-1",
        ["Apps:shop:Ecs:Cluster"] = "prod",
        ["Apps:shop:Ecs:Service"] = "shop-web",
        ["Apps:shop:Ecs:Topics:0"] = EcsPayloads.TopicArn,
        ["Apps:shop:AlertChannels:0"] = "test:C0SHOP",
        ["Apps:shop:Environments:production:Url"] = "https://shop.example.test",
        ["Apps:shop:Environments:staging:Ecs:Cluster"] = "arn:aws:ecs:us-east-1:123456789012:cluster/staging",
        ["Apps:shop:Environments:staging:AlertChannels:0"] = "test:C0STAGING",
    }, services =>
    {
        services.AddSingleton<IChatPlatform>(_chat);
        services.AddHttpClient(SnsCertificates.ClientName).ConfigurePrimaryHttpMessageHandler(() => new CertificateHost(_signer));
    });

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    [Fact]
    public async Task A_failed_deployment_is_a_critical_alert_with_the_usual_buttons_and_the_completed_one_resolves_it()
    {
        var failed = await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_FAILED"));
        var inProgress = await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/5117361203473401838."));
        var completed = await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_COMPLETED"));

        Assert.Equal("""{"status":"accepted"}""", await failed.Content.ReadAsStringAsync());
        Assert.Contains("SERVICE_DEPLOYMENT_IN_PROGRESS needs nothing", await inProgress.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal([AlertChange.New, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var (to, card, _) = _chat.Alerts[0];
        Assert.Equal(new Conversation("test", "C0SHOP"), to);
        Assert.Equal(("shop", "production"), (card.Alert.App, card.Alert.Env));
        Assert.Equal("ECS deployment failed: ECS deployment circuit breaker: tasks failed to start.", card.Alert.Title);
        Assert.Equal(AlertSeverity.Critical, card.Alert.Severity);
        Assert.Equal("https://console.aws.amazon.com/ecs/v2/clusters/prod/services/shop-web/deployments?region=us-east-1", card.Alert.Link);
        Assert.Equal(["Logs", "Roll back", "Mute 1h"], card.Actions.Select(a => a.Label));
        Assert.Equal("rollback shop in production", card.Actions[1].Command);
        Assert.Equal(AlertState.Resolved, _chat.Alerts[1].Card.Alert.State);
        Assert.Equal(card.Alert.Id, _chat.Alerts[1].Card.Alert.Id);
    }

    [Fact]
    public async Task A_task_that_exited_1_names_the_container_and_code_and_the_next_completed_deployment_resolves_it()
    {
        var stopped = await PostAsync(EcsPayloads.TaskStopped(1));
        await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_COMPLETED"));

        Assert.Equal("""{"status":"accepted"}""", await stopped.Content.ReadAsStringAsync());
        Assert.Equal([AlertChange.New, AlertChange.Resolved], _chat.Alerts.Select(a => a.Change));
        var alert = _chat.Alerts[0].Card.Alert;
        Assert.Equal("Task stopped: web exited 1 (Essential container in task exited)", alert.Title);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.StartsWith($"Task {EcsPayloads.TaskId} of shop-web:42: web exited 1, log-router exited 0.", alert.Detail);
        Assert.Equal($"https://console.aws.amazon.com/ecs/v2/clusters/prod/tasks/{EcsPayloads.TaskId}?region=us-east-1", alert.Link);
        Assert.Equal(alert.Id, _chat.Alerts[1].Card.Alert.Id);
    }

    [Fact]
    public async Task A_task_that_could_not_start_is_an_alert_too()
    {
        await PostAsync(EcsPayloads.TaskStopped(null, "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)"));

        var alert = Assert.Single(_chat.Alerts).Card.Alert;
        Assert.Equal("Task failed to start: CannotPullContainerError: pull image manifest has been retried 5 time(s)", alert.Title);
    }

    [Fact]
    public async Task Exit_0_and_stops_the_scheduler_asked_for_are_not_alerts_but_failed_health_checks_are()
    {
        var clean = await PostAsync(EcsPayloads.TaskStopped(0));
        var scaleIn = await PostAsync(EcsPayloads.TaskStopped(0, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/6102738946341975114)"));
        var sigterm = await PostAsync(EcsPayloads.TaskStopped(143, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/6102738946341975114)"));
        Assert.Empty(_chat.Alerts);
        foreach (var r in new[] { clean, scaleIn, sigterm })
            Assert.Contains("stopped as asked, needs nothing", await r.Content.ReadAsStringAsync());

        await PostAsync(EcsPayloads.TaskStopped(137, "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/0f1e2d3c4b5a6978)"));
        Assert.StartsWith("Task stopped: web exited 137 (Task failed ELB health checks", Assert.Single(_chat.Alerts).Card.Alert.Title);
    }

    [Fact]
    public async Task The_cluster_ARN_of_an_environment_picks_that_environment_and_its_channel()
    {
        await PostAsync(EcsPayloads.TaskStopped(2, clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/staging"));

        var (to, card, _) = Assert.Single(_chat.Alerts);
        Assert.Equal(new Conversation("test", "C0STAGING"), to);
        Assert.Equal("staging", card.Alert.Env);
    }

    [Fact]
    public async Task Events_of_services_no_app_names_are_acknowledged_and_ignored()
    {
        var otherService = await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_FAILED", service: "billing"));
        var otherCluster = await PostAsync(EcsPayloads.Deployment("SERVICE_DEPLOYMENT_FAILED", cluster: "dev"));
        var standalone = await PostAsync(EcsPayloads.TaskStopped(1, group: "family:shop-migrate"));

        Assert.Equal(HttpStatusCode.OK, otherService.StatusCode);
        Assert.Contains("no app here runs ECS service prod/billing", await otherService.Content.ReadAsStringAsync());
        Assert.Contains("no app here runs ECS service dev/shop-web", await otherCluster.Content.ReadAsStringAsync());
        Assert.Contains("an ECS event of no service", await standalone.Content.ReadAsStringAsync());
        Assert.Empty(_chat.Alerts);
    }

    [Fact]
    public async Task A_bad_signature_gets_401_and_another_topic_403()
    {
        var tampered = _signer.Sign(EcsPayloads.Notification(EcsPayloads.TaskStopped(0), "e-1"));
        tampered["Message"] = EcsPayloads.TaskStopped(1);
        var foreign = EcsPayloads.Notification(EcsPayloads.TaskStopped(1), "e-2");
        foreign["TopicArn"] = "arn:aws:sns:us-east-1:999999999999:not-ours";

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRawAsync(tampered)).StatusCode);
        var refused = await PostRawAsync(_signer.Sign(foreign));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(_chat.Alerts);
    }

    private Task<HttpResponseMessage> PostAsync(string ecsEvent) =>
        PostRawAsync(_signer.Sign(EcsPayloads.Notification(ecsEvent, $"ecs-{Interlocked.Increment(ref _messages)}")));

    private Task<HttpResponseMessage> PostRawAsync(JsonObject message) =>
        _bot.Client.PostAsync("/alerts/aws", new StringContent(message.ToJsonString(), Encoding.UTF8, "text/plain"));

    /// <summary>sns.us-east-1.amazonaws.com serving the test's signing certificate.</summary>
    private sealed class CertificateHost(SnsSigner signer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.RequestUri!.ToString() == SnsSigner.CertUrl
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(signer.CertificatePem) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}
