using Bot.Chat.Line;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Chat.Line;

/// <summary>LineApi as the bot gets it: from DI, through the resilience handler, onto the fake.</summary>
public sealed class LineServicesTests : IDisposable
{
    private readonly FakeLineApi _line = new();
    private readonly ServiceProvider _services;

    public LineServicesTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LINE_API_URL"] = _line.ApiBase.ToString(),
            ["LINE_CHANNEL_SECRET"] = _line.ChannelSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddLineApi(configuration);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _line));
        // The standard back-off waits seconds between retries; the tests keep the policy but not the wait.
        services.Configure<HttpStandardResilienceOptions>(StandardOptionsName, o => o.Retry.Delay = TimeSpan.Zero);
        _services = services.BuildServiceProvider();
    }

    private const string StandardOptionsName = $"{nameof(LineApi)}-standard";

    private LineApi Api => _services.GetRequiredService<LineApi>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Options_come_from_the_environment_and_the_client_reaches_the_api()
    {
        Assert.Equal(_line.ApiBase, _services.GetRequiredService<LineOptions>().ApiBase);

        await Api.ReplyAsync("r1", [LineMessages.Text("hi")], default);

        Assert.Single(_line.Replies);
        _line.AssertNoViolations();
    }

    [Fact]
    public void Attempts_and_the_whole_call_have_time_limits()
    {
        var resilience = _services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(StandardOptionsName);

        Assert.Equal(TimeSpan.FromSeconds(10), resilience.AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), resilience.TotalRequestTimeout.Timeout);
    }

    [Fact]
    public void The_circuit_breaker_judges_at_a_chat_bots_traffic()
    {
        var breaker = _services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(StandardOptionsName).CircuitBreaker;

        Assert.Equal((8, 0.5), (breaker.MinimumThroughput, breaker.FailureRatio));
    }

    [Fact]
    public async Task A_push_retried_after_a_server_error_carries_the_same_key_and_is_delivered_once()
    {
        _line.FailNext(LineApi.PushPath, LineFault.ServerError(500));
        var key = Guid.NewGuid();

        await Api.PushAsync("U0ALICE", [LineMessages.Text("web #7 is live")], key, default);

        var attempts = _line.RequestsOf(LineCallKind.Push);
        Assert.Equal([500, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal(key.ToString(), a.RetryKey));
        Assert.Equal(1, _line.PushesDelivered);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_push_whose_answer_was_lost_is_retried_answered_409_and_counts_as_sent()
    {
        _line.FailNext(LineApi.PushPath, LineFault.AnswerLost(502));

        await Api.PushAsync("U0ALICE", [LineMessages.Text("web #7 is live")], Guid.NewGuid(), default);

        Assert.Equal([502, 409], _line.RequestsOf(LineCallKind.Push).Select(a => a.Status));
        Assert.Equal(1, _line.PushesDelivered);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_429_is_retried_by_the_pipeline_alone()
    {
        _line.FailAlways(LineApi.PushPath, LineFault.RateLimited(retryAfterSeconds: 0));

        var e = await Assert.ThrowsAsync<LineApiException>(() => Api.PushAsync("U0ALICE", [LineMessages.Text("x")], Guid.NewGuid(), default));

        Assert.Equal(429, e.Status);
        // Retried once over, not in LineApi as well (which would make each of its tries several).
        Assert.Equal(1 + LineApi.RateLimitRetries, _line.RequestsOf(LineCallKind.Push).Count);
    }

    [Fact]
    public async Task A_used_reply_token_is_not_retried()
    {
        await Api.ReplyAsync("r1", [LineMessages.Text("first")], default);

        await Assert.ThrowsAsync<LineApiException>(() => Api.ReplyAsync("r1", [LineMessages.Text("again")], default));

        Assert.Equal(2, _line.RequestsOf(LineCallKind.Reply).Count);
    }

    [Fact]
    public async Task Profiles_are_remembered_across_resolutions_of_the_typed_client()
    {
        _line.AddProfile("U0ALICE", "Alice");

        await Api.GetProfileAsync("U0ALICE", null, null, default);
        await Api.GetProfileAsync("U0ALICE", null, null, default);

        Assert.Single(_line.ProfileLookups);
    }
}
