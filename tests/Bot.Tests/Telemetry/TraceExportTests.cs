using System.Net;
using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Telemetry;

/// <summary>A deploy's trace reaches an OTLP collector (http/protobuf) that the test runs: the command, the deployment, its steps and its calls.</summary>
public sealed class TraceExportTests
{
    /// <summary>A target whose build step calls its "platform" (the receiver's <c>/ping</c>) over HTTP.</summary>
    private sealed class CallingTarget(string platform) : IDeployTarget
    {
        public string Kind => "fake";

        public void Validate(AppEnvConfig app) { }

        public async IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new StepStarted("build");
            using (var http = new HttpClient())
                yield return new OutputLine(await http.GetStringAsync($"{platform}/ping", cancellationToken));
            yield return new StepFinished("build", TimeSpan.FromSeconds(1));
            yield return new StepStarted("release");
            yield return new Released($"r{request.Number}", null);
        }

        public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_deploys_trace_reaches_the_collector_with_its_steps_and_platform_calls_as_children()
    {
        await using var receiver = await FakeOtlpReceiver.StartAsync();
        long id;
        var host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["Apps:traced:Target"] = "fake",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }, services => services.AddSingleton<IDeployTarget>(new CallingTarget(receiver.BaseUrl)));
        try
        {
            using var feed = host.Get<DeploymentFeed>().Subscribe();
            Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "traced"))).StatusCode);
            id = (await feed.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Deployment.Id;
            Assert.Equal(DeploymentState.Succeeded, (await host.WaitFinishedAsync(id)).State);
        }
        finally
        {
            // Stopping flushes what the batch still holds: nothing is waited for here but the host's own shutdown.
            await host.DisposeAsync();
        }

        Assert.All(receiver.ContentTypes, t => Assert.Equal("application/x-protobuf", t));
        var spans = receiver.Spans();
        Assert.All(spans, s => Assert.Equal("deploybot", s.Service));

        var command = Assert.Single(spans, s => s.Name == "command deploy" && s.Attributes.GetValueOrDefault("cicd.pipeline.name") == "traced");
        Assert.Equal("production", command.Attributes["deployment.environment.name"]);
        Assert.Equal("slack", command.Attributes["deploybot.chat.platform"]);

        var deploy = Assert.Single(spans, s => s.Name == "deploy traced");
        var run = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new Dictionary<string, string>
        {
            ["cicd.pipeline.name"] = "traced",
            ["cicd.pipeline.run.id"] = run,
            ["deployment.id"] = run,
            ["deployment.name"] = "traced #1",
            ["deployment.environment.name"] = "production",
            ["deployment.status"] = "succeeded",
            ["cicd.pipeline.result"] = "success",
        }, deploy.Attributes);

        // The deployment, run by the worker after the command's answer, is in the trace of the command that asked for it.
        Assert.Equal(command.TraceId, deploy.TraceId);
        Assert.Equal(command.SpanId, deploy.ParentId);

        var build = Assert.Single(spans, s => s.Name == "build" && s.TraceId == deploy.TraceId);
        Assert.Equal(deploy.SpanId, build.ParentId);
        Assert.Equal("build", build.Attributes["cicd.pipeline.task.name"]);
        var release = Assert.Single(spans, s => s.Name == "release" && s.TraceId == deploy.TraceId);
        Assert.Equal(deploy.SpanId, release.ParentId);

        // The platform call made during the build is the build's child; the exporter's own posts make no spans.
        var call = Assert.Single(spans, s => s.ParentId == build.SpanId);
        Assert.Equal("GET", call.Name);
        Assert.EndsWith("/ping", call.Attributes["url.full"]);
        Assert.DoesNotContain(spans, s => s.Attributes.GetValueOrDefault("url.full")?.EndsWith("/v1/traces") == true);
    }
}
