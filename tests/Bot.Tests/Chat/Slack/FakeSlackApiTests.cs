using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Slack;

/// <summary>The fake is only worth something if it refuses what Slack would refuse: these calls are wrong on purpose.</summary>
public sealed class FakeSlackApiTests : IDisposable
{
    private readonly FakeSlackApi _slack = new();
    private readonly HttpClient _http;

    public FakeSlackApiTests() => _http = new HttpClient(_slack);

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string method, HttpContent? content, string? token = null,
        HttpMethod? verb = null)
    {
        using var request = new HttpRequestMessage(verb ?? HttpMethod.Post, new Uri(_slack.ApiBase, method)) { Content = content };
        if ((token ?? _slack.BotToken) is { Length: > 0 } t) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public void The_spec_is_slacks_own_document()
    {
        Assert.True(File.Exists(SlackWebSpec.FilePath), SlackWebSpec.FilePath);
        Assert.True(SlackWebSpec.Count > 170);
        var post = SlackWebSpec.Find("chat.postMessage")!;
        Assert.True(post.Params["channel"].Required);
        Assert.Equal("boolean", post.Params["unfurl_links"].Type);
        Assert.True(SlackWebSpec.Find("users.info")!.Get);
    }

    [Fact]
    public async Task A_post_without_its_required_channel_is_a_violation_and_answered_400()
    {
        var (status, body) = await SendAsync("chat.postMessage", Json("""{"text":"hello"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_arguments", (string?)body["error"]);
        Assert.Contains("lacks the required argument 'channel'", Assert.Single(_slack.Violations));
        Assert.Empty(_slack.Calls);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(_slack.AssertNoViolations);
    }

    [Fact]
    public async Task An_unknown_method_is_a_violation()
    {
        var (status, _) = await SendAsync("chat.postMesage", Json("""{"channel":"C1","text":"hi"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no such method", Assert.Single(_slack.Violations));
    }

    [Theory]
    [InlineData("chat.postMessage", """{"channel":"C1","text":5}""", "argument 'text' must be of type string")]
    [InlineData("chat.postMessage", """{"channel":"C1","text":"hi","unfurl_links":"no"}""", "argument 'unfurl_links' must be of type boolean")]
    [InlineData("chat.postMessage", """{"channel":"C1","text":"hi","blocks":{"type":"section"}}""", "argument 'blocks' must be a JSON-encoded array")]
    [InlineData("chat.postMessage", """{"channel":"C1","text":"hi","thread_ts":null}""", "argument 'thread_ts' is null")]
    [InlineData("chat.postMessage", """{"channel":"C1","text":"hi","thread-ts":"1.2"}""", "has no argument 'thread-ts'")]
    [InlineData("chat.update", """{"channel":"C1","text":"hi"}""", "lacks the required argument 'ts'")]
    [InlineData("chat.postEphemeral", """{"channel":"C1","text":"hi"}""", "lacks the required argument 'user'")]
    [InlineData("users.info", """{"user":"U1"}""", "does not take a JSON body")]
    public async Task Json_calls_that_break_the_spec_are_violations(string method, string json, string problem)
    {
        await SendAsync(method, Json(json));

        Assert.Contains(problem, Assert.Single(_slack.Violations));
    }

    [Fact]
    public async Task Form_calls_are_checked_too_and_booleans_may_be_spelled_as_text()
    {
        await SendAsync("chat.postMessage", Form(("channel", "C1"), ("text", "hi"), ("unfurl_links", "false"), ("blocks", "[]")));
        await SendAsync("files.getUploadURLExternal", Form(("filename", "a.log"), ("length", "ten")));
        await SendAsync("files.getUploadURLExternal", Form(("length", "10")));
        await SendAsync("chat.postMessage", Form(("channel", "C1"), ("text", "hi"), ("blocks", "not json")));

        Assert.Collection(_slack.Violations,
            v => Assert.Contains("argument 'length' must be of type integer", v),
            v => Assert.Contains("lacks the required argument 'filename'", v),
            v => Assert.Contains("argument 'blocks' must be a JSON-encoded array", v));
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task The_token_may_come_as_an_argument_and_read_methods_may_be_posted_or_got()
    {
        var (_, auth) = await SendAsync("auth.test", Form(("token", _slack.BotToken)), token: "");
        _slack.AddUser("U0ALICE001", "alice");
        var (_, user) = await SendAsync($"users.info?user=U0ALICE001&token={_slack.BotToken}", null, token: "", verb: HttpMethod.Get);

        Assert.True((bool)auth["ok"]!);
        Assert.Equal("alice", (string?)user["user"]!["name"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task Tokens_are_required_and_of_the_right_kind()
    {
        await SendAsync("auth.test", null, token: "");
        await SendAsync("apps.connections.open", null, token: _slack.BotToken);
        await SendAsync("chat.postMessage", Json("""{"channel":"C1","text":"hi"}"""), verb: HttpMethod.Get);
        var (_, wrongKind) = await SendAsync("chat.postMessage", Json("""{"channel":"C1","text":"hi"}"""), token: _slack.AppToken);

        Assert.Collection(_slack.Violations,
            v => Assert.Contains("needs a token", v),
            v => Assert.Contains("needs a token starting with xapp-", v),
            v => Assert.Contains("is POST-only", v));
        Assert.Equal("not_allowed_token_type", (string?)wrongKind["error"]);
    }

    [Fact]
    public async Task Completing_an_upload_needs_files_with_ids_whose_bytes_were_uploaded()
    {
        await SendAsync("files.completeUploadExternal", Form(("files", """[{"title":"no id"}]""")));
        var (_, url) = await SendAsync("files.getUploadURLExternal", Form(("filename", "a.log"), ("length", "3")));
        var id = (string)url["file_id"]!;
        await SendAsync("files.completeUploadExternal", Json($$"""{"files":[{"id":"{{id}}"}],"channel_id":"C1"}"""));
        await _http.PostAsync((string)url["upload_url"]!, new ByteArrayContent([1, 2]));

        Assert.Collection(_slack.Violations,
            v => Assert.Contains("must be an array of objects with a string id", v),
            v => Assert.Contains("before its bytes were uploaded", v),
            v => Assert.Contains("2 bytes, but files.getUploadURLExternal was told 3", v));
    }

    [Fact]
    public async Task Scripted_failures_answer_the_next_calls_then_stop()
    {
        _slack.FailNext("auth.test", SlackFault.ServerError(503));
        _slack.FailNext("auth.test", SlackFault.Refuse("invalid_auth"));

        using var failed = await _http.PostAsync(new Uri(_slack.ApiBase, "auth.test"), Form(("token", _slack.BotToken)));
        var (_, refused) = await SendAsync("auth.test", null);
        var (_, ok) = await SendAsync("auth.test", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("invalid_auth", (string?)refused["error"]);
        Assert.Equal(_slack.BotUserId, (string?)ok["user_id"]);
        Assert.Equal(3, _slack.CallsTo("auth.test").Count);
    }

    [Fact]
    public async Task Concurrent_posts_each_get_their_own_ts()
    {
        var posts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => SendAsync("chat.postMessage", Json($$"""{"channel":"C1","text":"m{{i}}"}"""))));

        Assert.Equal(40, posts.Select(p => (string?)p.Body["ts"]).Distinct().Count());
        Assert.Equal(40, _slack.CallsTo("chat.postMessage").Count);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_response_url_post_must_be_json_with_known_fields()
    {
        await _http.PostAsync("https://hooks.slack.test/commands/1", Json("""{"text":"hi","response_type":"everyone"}"""));
        await _http.PostAsync("https://hooks.slack.test/commands/2", Form(("text", "hi")));

        Assert.Collection(_slack.Violations,
            v => Assert.Contains("response_type other than ephemeral or in_channel", v),
            v => Assert.Contains("must be a JSON object", v));
        Assert.Empty(_slack.ResponsePosts);
    }
}
