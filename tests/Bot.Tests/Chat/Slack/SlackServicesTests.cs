using Bot.Chat.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Chat.Slack;

/// <summary>SlackApi as the bot gets it: from DI, through the resilience handler, onto the fake.</summary>
public sealed class SlackServicesTests : IDisposable
{
    private readonly FakeSlackApi _slack = new();
    private readonly ServiceProvider _services;

    public SlackServicesTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SLACK_API_URL"] = _slack.ApiBase.ToString().TrimEnd('/'),
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_APP_TOKEN"] = _slack.AppToken,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSlackApi(configuration);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        // The standard back-off waits seconds between retries; the tests keep the policy but not the wait.
        services.Configure<HttpStandardResilienceOptions>(StandardOptionsName, o => o.Retry.Delay = TimeSpan.Zero);
        _services = services.BuildServiceProvider();
    }

    private const string StandardOptionsName = $"{nameof(SlackApi)}-standard";

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Options_come_from_the_environment_and_the_client_reaches_the_api()
    {
        var options = _services.GetRequiredService<SlackOptions>();
        Assert.Equal(_slack.ApiBase, options.ApiBase);

        var auth = await _services.GetRequiredService<SlackApi>().AuthTestAsync(default);

        Assert.Equal(_slack.BotUserId, auth.UserId);
        _slack.AssertNoViolations();
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
    public async Task Server_errors_are_retried_by_the_resilience_handler()
    {
        _slack.FailNext("chat.postMessage", SlackFault.ServerError(503), times: 2);

        var posted = await _services.GetRequiredService<SlackApi>().PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "hi"), default);

        Assert.Equal("C0DEPLOYS1", posted.Channel);
        Assert.Equal(3, _slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task A_429_is_retried_by_the_pipeline_alone()
    {
        _slack.FailAlways("chat.postMessage", SlackFault.RateLimited(0));

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            _services.GetRequiredService<SlackApi>().PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "hi"), default));

        Assert.Equal("ratelimited", e.Error);
        // Retried once over, not in SlackApi as well (which would make each of its tries several).
        Assert.Equal(1 + SlackApi.RateLimitRetries, _slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task Known_users_are_remembered_across_resolutions_of_the_typed_client()
    {
        _slack.AddUser("U0ALICE001", "alice");

        await _services.GetRequiredService<SlackApi>().GetUserAsync("U0ALICE001", default);
        await _services.GetRequiredService<SlackApi>().GetUserAsync("U0ALICE001", default);

        Assert.Single(_slack.CallsTo("users.info"));
    }
}
