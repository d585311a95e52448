using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Chat.Slack;

public sealed class SlackApiTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly WatchedTime _time = new(T0);
    private readonly FakeSlackApi _slack;
    private readonly HttpClient _http;
    private readonly SlackApi _api;

    public SlackApiTests()
    {
        _slack = new FakeSlackApi(_time);
        _http = new HttpClient(_slack);
        _api = new SlackApi(_http, _slack.Options, _time);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>SlackApi as the bot gets it, through the resilience pipeline that waits out a 429, on this test's clock.</summary>
    private SlackApi Piped()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SLACK_API_URL"] = _slack.ApiBase.ToString().TrimEnd('/'),
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddSlackApi(configuration);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        return services.BuildServiceProvider().GetRequiredService<SlackApi>();
    }

    private static JsonArray Card(string text) =>
        [new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } }];

    [Fact]
    public async Task Auth_test_sends_the_bot_token_and_reads_who_the_bot_is()
    {
        var auth = await _api.AuthTestAsync(default);

        Assert.Equal(new SlackAuth(_slack.BotUserId, _slack.BotId, _slack.Team, "https://fake-workspace.slack.test/"), auth);
        Assert.Equal(_slack.BotToken, Assert.Single(_slack.CallsTo("auth.test")).Token);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Post_message_sends_blocks_as_an_array_in_a_thread_without_unfurling_and_returns_channel_and_ts()
    {
        var first = await _api.PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "web #7 deploying", Card("*web* #7 deploying")), default);
        var reply = await _api.PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "build output", ThreadTs: first.Ts), default);

        Assert.Equal("C0DEPLOYS1", first.Channel);
        Assert.Matches(@"^\d+\.000100$", first.Ts);
        Assert.True(string.CompareOrdinal(first.Ts, reply.Ts) < 0, "ts must increase");
        var sent = _slack.CallsTo("chat.postMessage");
        Assert.Equal("web #7 deploying", (string?)sent[0].Args["text"]);
        Assert.Equal("*web* #7 deploying", (string?)Assert.IsType<JsonArray>(sent[0].Args["blocks"])[0]!["text"]!["text"]);
        Assert.False((bool)sent[0].Args["unfurl_links"]!);
        Assert.False(sent[0].Args.ContainsKey("thread_ts"));
        Assert.Equal(first.Ts, (string?)sent[1].Args["thread_ts"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Update_sends_the_ts_of_the_message_it_replaces()
    {
        var posted = await _api.PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "queued", Card("queued")), default);

        await _api.UpdateMessageAsync(posted.Channel, posted.Ts, new SlackOutgoing(posted.Channel, "live", Card("live")), default);

        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.Equal(posted.Ts, (string?)update.Args["ts"]);
        Assert.Equal("live", (string?)_slack.MessageAt(posted.Channel, posted.Ts)!["text"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Ephemeral_messages_name_the_user_who_sees_them()
    {
        await _api.PostEphemeralAsync("U0ALICE001", new SlackOutgoing("C0DEPLOYS1", "Only you can see this"), default);

        Assert.Equal("U0ALICE001", (string?)Assert.Single(_slack.CallsTo("chat.postEphemeral")).Args["user"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Ok_false_becomes_an_exception_that_tells_the_user_what_to_do()
    {
        _slack.FailNext("chat.postMessage", SlackFault.Refuse("not_in_channel"));

        var e = await Assert.ThrowsAsync<SlackApiException>(() => _api.PostMessageAsync(new SlackOutgoing("C0SECRET01", "hi"), default));

        Assert.Equal(("chat.postMessage", "not_in_channel"), (e.Method, e.Error));
        Assert.Contains("/invite", e.UserMessage);
    }

    [Fact]
    public async Task A_rate_limited_call_waits_as_long_as_Retry_After_says_then_succeeds()
    {
        _slack.FailNext("chat.postMessage", SlackFault.RateLimited(2));

        var posting = Piped().PostMessageAsync(new SlackOutgoing("C0DEPLOYS1", "hi"), default);

        Assert.Equal(TimeSpan.FromSeconds(2), await _time.TimerAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
        Assert.Single(_slack.CallsTo("chat.postMessage"));
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(posting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var posted = await posting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("C0DEPLOYS1", posted.Channel);
        var calls = _slack.CallsTo("chat.postMessage");
        Assert.Equal(2, calls.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), calls[1].At - calls[0].At);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_call_still_rate_limited_after_three_retries_fails_with_ratelimited()
    {
        _slack.FailAlways("chat.update", SlackFault.RateLimited(1));

        var updating = Piped().UpdateMessageAsync("C0DEPLOYS1", "1764064801.000100", new SlackOutgoing("C0DEPLOYS1", "live"), default);
        for (var i = 0; i < SlackApi.RateLimitRetries; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), await _time.TimerAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var e = await Assert.ThrowsAsync<SlackApiException>(() => updating.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("ratelimited", e.Error);
        Assert.Equal(1 + SlackApi.RateLimitRetries, _slack.CallsTo("chat.update").Count);
    }

    [Fact]
    public async Task Users_are_looked_up_once_and_shown_by_their_display_name()
    {
        _slack.AddUser("U0ALICE001", "alice", displayName: "Alice 🚀", realName: "Alice Liddell");

        var first = await _api.GetUserAsync("U0ALICE001", default);
        var again = await _api.GetUserAsync("U0ALICE001", default);

        Assert.Equal(new SlackUser("U0ALICE001", "alice", "Alice 🚀", "Alice Liddell"), first);
        Assert.Equal(first, again);
        Assert.Equal("Alice 🚀", first!.Shown);
        Assert.Equal("U0ALICE001", (string?)Assert.Single(_slack.CallsTo("users.info")).Args["user"]);
        _time.Advance(SlackUserCache.Lifetime);
        await _api.GetUserAsync("U0ALICE001", default);
        Assert.Equal(2, _slack.CallsTo("users.info").Count);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task An_unknown_user_is_null()
    {
        Assert.Null(await _api.GetUserAsync("U0NOBODY01", default));
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_file_is_uploaded_in_three_steps_with_its_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes("building…\nPASS 212 tests\nreleased r7\n");

        await _api.UploadFileAsync(new SlackUpload("C0DEPLOYS1", "1764064801.000100", "web-7.log", "web #7 build log", bytes, "The whole log"), default);

        var ask = Assert.Single(_slack.CallsTo("files.getUploadURLExternal"));
        var upload = Assert.Single(_slack.Uploads);
        var complete = Assert.Single(_slack.CallsTo("files.completeUploadExternal"));
        Assert.True(ask.Seq < upload.Seq && upload.Seq < complete.Seq);
        Assert.Equal(("web-7.log", bytes.Length.ToString()), ((string?)ask.Args["filename"], (string?)ask.Args["length"]));
        Assert.Equal(bytes, upload.Bytes);
        var file = Assert.Single(JsonNode.Parse((string)complete.Args["files"]!)!.AsArray())!;
        Assert.Equal((upload.FileId, "web #7 build log"), ((string?)file["id"], (string?)file["title"]));
        Assert.Equal("C0DEPLOYS1", (string?)complete.Args["channel_id"]);
        Assert.Equal("1764064801.000100", (string?)complete.Args["thread_ts"]);
        Assert.Equal("The whole log", (string?)complete.Args["initial_comment"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Socket_mode_is_opened_with_the_app_token()
    {
        _slack.SocketUrl = "wss://wss-primary.slack.test/link/?ticket=t-123";

        Assert.Equal(new Uri(_slack.SocketUrl), await _api.OpenSocketAsync(default));

        Assert.Equal(_slack.AppToken, Assert.Single(_slack.CallsTo("apps.connections.open")).Token);
        _slack.AssertNoViolations();
    }

    [Theory]
    [InlineData(SlackResponseMode.Ephemeral, "response_type", "ephemeral")]
    [InlineData(SlackResponseMode.InChannel, "response_type", "in_channel")]
    [InlineData(SlackResponseMode.ReplaceOriginal, "replace_original", "true")]
    public async Task Responses_go_to_the_response_url_without_a_token(SlackResponseMode mode, string field, string value)
    {
        const string url = "https://hooks.slack.test/commands/T0TEAM0001/1234/abcd";

        await _api.RespondAsync(url, new SlackOutgoing("C0DEPLOYS1", "Queued web #7", Card("Queued")), mode, default);

        var post = Assert.Single(_slack.ResponsePosts);
        Assert.Equal(new Uri(url), post.Url);
        Assert.False(post.HadAuthorization);
        Assert.Equal("Queued web #7", (string?)post.Body["text"]);
        Assert.Equal(value, post.Body[field]!.ToString().ToLowerInvariant());
        Assert.Empty(_slack.Calls);
        _slack.AssertNoViolations();
    }
}
