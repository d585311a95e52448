using System.Net;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Targets.Lambda;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Hosting;

/// <summary>On Lambda the web function wakes the worker function each time it queues a job, before it answers (it is frozen after).</summary>
public sealed class LambdaWakeTests
{
    [Fact]
    public async Task Waking_invokes_the_worker_function_as_an_event_without_waiting_for_it()
    {
        var aws = new Recorder();
        var options = AwsOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = "http://aws.test", ["AWS_ACCESS_KEY_ID"] = "AKIDTEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret",
        }).Build());
        var client = new AwsClient(new Clients(aws), options, new AwsCredentials(options), TimeProvider.System, NullLogger<AwsClient>.Instance);

        await new LambdaWake(new LambdaApi(client), "bot-worker", NullLogger<LambdaWake>.Instance).WakeAsync(default);

        var request = Assert.Single(aws.Requests);
        Assert.Equal((HttpMethod.Post, "/2015-03-31/functions/bot-worker/invocations"), (request.Method, request.RequestUri!.AbsolutePath));
        Assert.Equal("Event", request.Headers.GetValues("X-Amz-Invocation-Type").Single());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/", request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task A_queued_deploy_wakes_before_the_request_is_answered_and_a_refused_one_does_not()
    {
        var waker = new CountingWaker();
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" },
            services => services.AddSingleton<IJobWaker>(waker), worker: false);

        var first = await bot.SendAsync("deploy web");
        Assert.True(first.Ok);
        Assert.Equal(1, waker.Count);

        var refused = await bot.SendAsync("deploy web", user: "bob");
        Assert.False(refused.Ok);
        Assert.Equal(1, waker.Count);
    }

    private sealed class CountingWaker : IJobWaker
    {
        public int Count;

        public Task WakeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Count);
            return Task.CompletedTask;
        }
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent([]) });
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
