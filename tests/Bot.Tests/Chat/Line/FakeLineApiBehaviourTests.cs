using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat.Line;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Chat.Line;

/// <summary>The fake behaves as LINE does with requests that are well formed: tokens, retry keys, profiles, scripted failures.</summary>
public sealed class FakeLineApiBehaviourTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeLineApi _line;
    private readonly HttpClient _http;

    public FakeLineApiBehaviourTests()
    {
        _line = new FakeLineApi(_time);
        _http = new HttpClient(_line) { BaseAddress = _line.ApiBase };
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> PostAsync(string path, JsonObject body, string? retryKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _line.AccessToken);
        if (retryKey is not null) request.Headers.Add(LineApi.RetryKeyHeader, retryKey);
        return await _http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _line.AccessToken);
        return await _http.SendAsync(request);
    }

    private static JsonObject Reply(string token) => new() { ["replyToken"] = token, ["messages"] = new JsonArray(LineSamples.Text("ok")) };

    private static JsonObject Push(string text) => new() { ["to"] = "U0ALICE", ["messages"] = new JsonArray(LineSamples.Text(text)) };

    private static async Task<string?> MessageOf(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"];

    [Fact]
    public async Task A_reply_token_works_once_and_a_second_use_is_refused_without_a_violation()
    {
        using var first = await PostAsync(LineApi.ReplyPath, Reply("r1"));
        using var again = await PostAsync(LineApi.ReplyPath, Reply("r1"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (first.StatusCode, again.StatusCode));
        Assert.Equal("Invalid reply token", await MessageOf(again));
        Assert.Equal("r1", Assert.Single(_line.Replies).Target);
        Assert.Equal([200, 400], _line.Requests.Select(r => r.Status));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Once_tokens_are_issued_only_those_are_valid()
    {
        _line.IssueReplyTokens("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");

        using var madeUp = await PostAsync(LineApi.ReplyPath, Reply("made-up"));
        using var issued = await PostAsync(LineApi.ReplyPath, Reply("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.OK), (madeUp.StatusCode, issued.StatusCode));
    }

    [Fact]
    public async Task A_push_repeated_with_an_accepted_retry_key_is_answered_409_and_not_delivered_again()
    {
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(LineApi.PushPath, Push("live"), key);
        using var again = await PostAsync(LineApi.PushPath, Push("live"), key);
        using var other = await PostAsync(LineApi.PushPath, Push("live"), Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(first.Headers.GetValues("x-line-request-id"), again.Headers.GetValues(LineApi.AcceptedRequestHeader));
        Assert.Equal(2, _line.PushesDelivered);
        Assert.Equal([200, 409, 200], _line.RequestsOf(LineCallKind.Push).Select(r => r.Status));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Scripted_failures_answer_the_next_requests_of_a_path_then_stop()
    {
        _line.FailNext(LineApi.PushPath, LineFault.RateLimited(retryAfterSeconds: 3));
        _line.FailNext(LineApi.PushPath, LineFault.ServerError());

        using var limited = await PostAsync(LineApi.PushPath, Push("a"));
        using var broken = await PostAsync(LineApi.PushPath, Push("b"));
        using var ok = await PostAsync(LineApi.PushPath, Push("c"));

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.OK),
            (limited.StatusCode, broken.StatusCode, ok.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("c", (string?)Assert.Single(_line.Pushes).Messages![0]!["text"]);
        Assert.Equal(3, _line.RequestsOf(LineCallKind.Push).Count);
    }

    [Fact]
    public async Task A_lost_answer_is_delivered_all_the_same()
    {
        _line.FailNext(LineApi.PushPath, LineFault.AnswerLost());
        var key = Guid.NewGuid().ToString();

        using var lost = await PostAsync(LineApi.PushPath, Push("live"), key);
        using var retried = await PostAsync(LineApi.PushPath, Push("live"), key);

        Assert.Equal((HttpStatusCode.BadGateway, HttpStatusCode.Conflict), (lost.StatusCode, retried.StatusCode));
        Assert.Equal(1, _line.PushesDelivered);
    }

    [Fact]
    public async Task Profiles_are_per_user_and_per_group_or_room_member_and_others_are_404()
    {
        _line.AddProfile("U0ALICE", "Alice");
        _line.AddGroupMember("C0TEAM", "U0ALICE", "Alice (team)");
        _line.AddRoomMember("R0ROOM", "U0BOB", "Bob");

        using var user = await GetAsync("/v2/bot/profile/U0ALICE");
        using var member = await GetAsync("/v2/bot/group/C0TEAM/member/U0ALICE");
        using var roomMember = await GetAsync("/v2/bot/room/R0ROOM/member/U0BOB");
        using var stranger = await GetAsync("/v2/bot/group/C0TEAM/member/U0BOB");

        Assert.Equal("Alice", (string?)JsonNode.Parse(await user.Content.ReadAsStringAsync())!["displayName"]);
        Assert.Equal("Alice (team)", (string?)JsonNode.Parse(await member.Content.ReadAsStringAsync())!["displayName"]);
        Assert.Equal("Bob", (string?)JsonNode.Parse(await roomMember.Content.ReadAsStringAsync())!["displayName"]);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal([(null, null, 200), ("C0TEAM", null, 200), (null, "R0ROOM", 200), ("C0TEAM", null, 404)],
            _line.ProfileLookups.Select(r => (r.GroupId, r.RoomId, r.Status)));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Requests_are_stamped_with_the_fakes_clock()
    {
        await PostAsync(LineApi.LoadingPath, new JsonObject { ["chatId"] = "U0ALICE", ["loadingSeconds"] = 20 });
        _time.Advance(TimeSpan.FromSeconds(5));
        await PostAsync(LineApi.LoadingPath, new JsonObject { ["chatId"] = "U0ALICE" });

        var loadings = _line.Loadings;
        Assert.Equal(TimeSpan.FromSeconds(5), loadings[1].At - loadings[0].At);
        Assert.Equal([20, null], loadings.Select(l => l.LoadingSeconds));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Concurrent_pushes_are_all_recorded_in_order()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => PostAsync(LineApi.PushPath, Push($"m{i}"), Guid.NewGuid().ToString())));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(40, _line.PushesDelivered);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), _line.Pushes.Select(p => p.Seq));
        _line.AssertNoViolations();
    }
}
