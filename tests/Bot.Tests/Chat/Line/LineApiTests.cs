using System.Text.Json.Nodes;
using Bot.Chat.Line;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Chat.Line;

public sealed class LineApiTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly WatchedTime _time = new(T0);
    private readonly FakeLineApi _line;
    private readonly HttpClient _http;
    private readonly ListLogger<LineApi> _log = new();
    private readonly LineApi _api;

    public LineApiTests()
    {
        _line = new FakeLineApi(_time);
        _http = new HttpClient(_line);
        _api = new LineApi(_http, _line.Options, _time, _log);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>LineApi as the bot gets it, through the resilience pipeline that waits out a 429, on this test's clock.</summary>
    private LineApi Piped()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LINE_API_URL"] = _line.ApiBase.ToString(),
            ["LINE_CHANNEL_SECRET"] = _line.ChannelSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddLineApi(configuration);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _line));
        return services.BuildServiceProvider().GetRequiredService<LineApi>();
    }

    [Fact]
    public async Task A_reply_sends_the_token_and_the_messages()
    {
        var text = LineMessages.Text("Deploying web #7");
        var card = LineSamples.Flex();

        await _api.ReplyAsync("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", [text, card], default);

        var reply = Assert.Single(_line.Replies);
        Assert.Equal("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", reply.Target);
        Assert.True(JsonNode.DeepEquals(new JsonArray(text.DeepClone(), card.DeepClone()), reply.Messages));
        Assert.Null(reply.RetryKey);
        Assert.Null(text.Parent); // the caller's objects are copied, not adopted
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Messages_that_already_belong_to_an_array_can_be_sent_and_sent_again()
    {
        var held = new JsonArray(LineMessages.Text("one"), LineMessages.Text("two"));
        var messages = held.Select(m => m!.AsObject()).ToList();

        await _api.PushAsync("U0ALICE", messages, Guid.NewGuid(), default);
        await _api.PushAsync("U0ALICE", messages, Guid.NewGuid(), default);

        Assert.Equal(2, _line.PushesDelivered);
        Assert.Same(held, messages[0].Parent);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_push_sends_its_retry_key()
    {
        var key = Guid.NewGuid();

        await _api.PushAsync("Ca56f94637c4e8d2b5f8b1ca5fd8f2e3a", [LineMessages.Text("web #7 is live")], key, default);

        var push = Assert.Single(_line.Pushes);
        Assert.Equal(("Ca56f94637c4e8d2b5f8b1ca5fd8f2e3a", key.ToString("D")), (push.Target, push.RetryKey));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_push_LINE_already_accepted_under_its_key_counts_as_sent()
    {
        var key = Guid.NewGuid();
        await _api.PushAsync("U0ALICE", [LineMessages.Text("live")], key, default);

        // The caller tries again (its first attempt seemed to time out): LINE answers 409, which is success here.
        await _api.PushAsync("U0ALICE", [LineMessages.Text("live")], key, default);

        Assert.Equal(1, _line.PushesDelivered);
        Assert.Equal([200, 409], _line.RequestsOf(LineCallKind.Push).Select(r => r.Status));
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Information && l.Text.Contains(key.ToString()));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_409_without_an_accepted_request_id_is_an_error()
    {
        _line.FailNext(LineApi.PushPath, new LineFault(409, "Conflict"));

        var e = await Assert.ThrowsAsync<LineApiException>(() => _api.PushAsync("U0ALICE", [LineMessages.Text("x")], Guid.NewGuid(), default));

        Assert.Equal(409, e.Status);
    }

    [Fact]
    public async Task A_rate_limited_push_waits_as_long_as_Retry_After_says_and_is_sent_again_with_the_same_key()
    {
        _line.FailNext(LineApi.PushPath, LineFault.RateLimited(retryAfterSeconds: 7));
        var key = Guid.NewGuid();

        var pushing = Piped().PushAsync("U0ALICE", [LineMessages.Text("live")], key, default);

        Assert.Equal(TimeSpan.FromSeconds(7), await _time.TimerAsync(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)));
        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.False(pushing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await pushing.WaitAsync(TimeSpan.FromSeconds(10));

        var attempts = _line.RequestsOf(LineCallKind.Push);
        Assert.Equal([429, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal(key.ToString(), a.RetryKey));
        Assert.Equal(TimeSpan.FromSeconds(7), attempts[1].At - attempts[0].At);
        Assert.Equal(1, _line.PushesDelivered);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Without_Retry_After_a_429_backs_off_1_2_4_seconds_then_fails_with_429()
    {
        _line.FailAlways(LineApi.ReplyPath, LineFault.RateLimited());

        var replying = Piped().ReplyAsync("r1", [LineMessages.Text("hi")], default);
        foreach (var seconds in new[] { 1, 2, 4 })
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), await _time.TimerAsync(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds)));
            _time.Advance(TimeSpan.FromSeconds(seconds));
        }

        var e = await Assert.ThrowsAsync<LineApiException>(() => replying.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal((LineApi.ReplyPath, 429), (e.Path, e.Status));
        Assert.Contains("rate-limiting", e.UserMessage);
        Assert.Equal(1 + LineApi.RateLimitRetries, _line.RequestsOf(LineCallKind.Reply).Count);
        Assert.Empty(_line.Replies);
    }

    [Fact]
    public async Task A_reply_token_used_twice_fails_at_once_with_400_so_the_caller_can_push()
    {
        await _api.ReplyAsync("r1", [LineMessages.Text("first")], default);

        var e = await Assert.ThrowsAsync<LineApiException>(() => _api.ReplyAsync("r1", [LineMessages.Text("second")], default));

        Assert.Equal((400, "Invalid reply token"), (e.Status, e.Detail));
        Assert.Equal(2, _line.RequestsOf(LineCallKind.Reply).Count);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task LINEs_error_message_and_details_end_up_in_the_exception()
    {
        _line.FailNext(LineApi.PushPath, new LineFault(403, "Access to this API is not available for your account"));
        var forbidden = await Assert.ThrowsAsync<LineApiException>(() => _api.PushAsync("U0ALICE", [LineMessages.Text("x")], Guid.NewGuid(), default));
        var badToken = await Assert.ThrowsAsync<LineApiException>(() =>
            new LineApi(_http, _line.Options with { AccessToken = "stale" }, _time, _log).ReplyAsync("r2", [LineMessages.Text("x")], default));

        Assert.Equal("Access to this API is not available for your account", forbidden.Detail);
        Assert.Contains("plan and permissions", forbidden.UserMessage);
        Assert.Equal(401, badToken.Status);
        Assert.Contains("LINE_CHANNEL_ACCESS_TOKEN", badToken.UserMessage);
    }

    [Fact]
    public async Task The_loading_animation_is_started_for_a_user()
    {
        await _api.ShowLoadingAsync("U0ALICE", 20, default);

        var loading = Assert.Single(_line.Loadings);
        Assert.Equal(("U0ALICE", 20), (loading.Target, loading.LoadingSeconds));
        _line.AssertNoViolations();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(65)]
    public async Task Loading_seconds_LINE_would_refuse_are_not_sent(int seconds)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _api.ShowLoadingAsync("U0ALICE", seconds, default));

        Assert.Empty(_line.Requests);
    }

    [Fact]
    public async Task No_messages_or_more_than_five_are_not_sent()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _api.ReplyAsync("r1", [], default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _api.PushAsync("U0ALICE", [.. Enumerable.Range(0, 6).Select(i => LineMessages.Text($"m{i}"))], Guid.NewGuid(), default));

        Assert.Empty(_line.Requests);
    }
}
