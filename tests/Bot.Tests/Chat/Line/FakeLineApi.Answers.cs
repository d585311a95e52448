using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Chat.Line;

namespace Bot.Tests.Chat.Line;

/// <summary>What the fake answers once a request has passed the checks: LINE's answers, its refusals, and scripted failures.</summary>
public sealed partial class FakeLineApi
{
    private readonly Dictionary<string, Queue<LineFault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _acceptedRetryKeys = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string? Group, string? Room, string User), string> _profiles = [];
    private readonly HashSet<string> _usedReplyTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _contents = new(StringComparer.Ordinal);
    private HashSet<string>? _issuedReplyTokens;
    private long _messageId = 600_000_000_000_000;

    /// <summary>From now on only these reply tokens are valid (each once); until this is called any token works once.</summary>
    public void IssueReplyTokens(params string[] tokens)
    {
        lock (_gate) (_issuedReplyTokens ??= new(StringComparer.Ordinal)).UnionWith(tokens);
    }

    /// <summary>A user <c>/v2/bot/profile/{userId}</c> knows; anyone not added is 404.</summary>
    public void AddProfile(string userId, string displayName) { lock (_gate) _profiles[(null, null, userId)] = displayName; }

    public void AddGroupMember(string groupId, string userId, string displayName) { lock (_gate) _profiles[(groupId, null, userId)] = displayName; }

    public void AddRoomMember(string roomId, string userId, string displayName) { lock (_gate) _profiles[(null, roomId, userId)] = displayName; }

    /// <summary>The next <paramref name="times"/> requests of a path template (<see cref="LineApi.PushPath"/>, <see cref="ProfilePath"/>…) fail so.</summary>
    public void FailNext(string template, LineFault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(template, out var queue)) _faults[template] = queue = new();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
    }

    /// <summary>Every later request of the path template fails so.</summary>
    public void FailAlways(string template, LineFault fault) => FailNext(template, fault, 1000);

    private HttpResponseMessage Answer(LineSpecPath match, JsonObject? body, string? retryKey)
    {
        (LineCallKind? Kind, string Target) call = match.Template switch
        {
            LineApi.ReplyPath => (LineCallKind.Reply, (string)body!["replyToken"]!),
            LineApi.PushPath => (LineCallKind.Push, (string)body!["to"]!),
            LineApi.LoadingPath => (LineCallKind.Loading, (string)body!["chatId"]!),
            ProfilePath or GroupMemberPath or RoomMemberPath => (LineCallKind.Profile, match.Values["userId"]),
            LineApi.ContentPath => (LineCallKind.Content, match.Values["messageId"]),
            _ => (null, ""),
        };
        var target = call.Target;
        if (call.Kind is not { } known) return Violation($"{match.Template} is in the spec, but the bot has no business calling it (the fake does not serve it)");

        var fault = _faults.TryGetValue(match.Template, out var queue) && queue.TryDequeue(out var f) ? f : null;
        var response = fault is { AfterDelivery: false } ? Failure(fault) : known switch
        {
            LineCallKind.Reply => Reply(target, body!),
            LineCallKind.Push => Push(retryKey, body!),
            LineCallKind.Loading => Json(HttpStatusCode.Accepted, new JsonObject()),
            LineCallKind.Content => Content(target),
            _ => Profile(match),
        };
        var delivered = response.IsSuccessStatusCode;
        if (fault is { AfterDelivery: true }) response = Failure(fault);
        _requests.Add(new FakeLineRequest(++_seq, known, match.Template, target, (int)response.StatusCode, delivered, _time.GetUtcNow(), body?.DeepClone().AsObject(),
            retryKey, match.Values.GetValueOrDefault("groupId"), match.Values.GetValueOrDefault("roomId")));
        return response;
    }

    private HttpResponseMessage Reply(string token, JsonObject body)
    {
        // A runtime refusal, not a violation: tokens expire and are single-use, and the bot must cope with that.
        if (_usedReplyTokens.Contains(token) || _issuedReplyTokens is { } issued && !issued.Contains(token))
            return Error(HttpStatusCode.BadRequest, "Invalid reply token");
        _usedReplyTokens.Add(token);
        return Sent(body);
    }

    private HttpResponseMessage Push(string? retryKey, JsonObject body)
    {
        if (retryKey is not null && _acceptedRetryKeys.TryGetValue(retryKey, out var accepted))
        {
            var conflict = Error(HttpStatusCode.Conflict, "The retry key is already accepted");
            conflict.Headers.Add(LineApi.AcceptedRequestHeader, accepted);
            return conflict;
        }
        var response = Sent(body);
        if (retryKey is not null) _acceptedRetryKeys[retryKey] = response.Headers.GetValues("x-line-request-id").First();
        return response;
    }

    private HttpResponseMessage Sent(JsonObject body) => Json(HttpStatusCode.OK, new JsonObject
    {
        ["sentMessages"] = new JsonArray([.. body["messages"]!.AsArray().Select(_ =>
            (JsonNode)new JsonObject { ["id"] = (++_messageId).ToString(), ["quoteToken"] = $"q{_messageId}" })]),
    });

    /// <summary>What a person sent in message <paramref name="messageId"/> (a file), for <c>GET /v2/bot/message/{messageId}/content</c>.</summary>
    public void AddContent(string messageId, byte[] bytes) { lock (_gate) _contents[messageId] = bytes; }

    private HttpResponseMessage Content(string messageId)
    {
        if (!_contents.TryGetValue(messageId, out var bytes)) return Error(HttpStatusCode.NotFound, "Not found");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) { Headers = { ContentType = new("application/octet-stream") } } };
    }

    private HttpResponseMessage Profile(LineSpecPath match)
    {
        var user = match.Values["userId"];
        var key = (match.Values.GetValueOrDefault("groupId"), match.Values.GetValueOrDefault("roomId"), user);
        if (!_profiles.TryGetValue(key, out var name)) return Error(HttpStatusCode.NotFound, "Not found");
        return Json(HttpStatusCode.OK, new JsonObject { ["displayName"] = name, ["userId"] = user, ["pictureUrl"] = $"https://profile.line.test/{user}" });
    }

    private static HttpResponseMessage Failure(LineFault fault)
    {
        var response = Error((HttpStatusCode)fault.Status, fault.Message);
        if (fault.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }

    /// <summary>Rules LINE states in its descriptions rather than in schema keywords.</summary>
    private static IEnumerable<LineProblem> FlowProblems(string template, JsonObject body)
    {
        if (template != LineApi.LoadingPath) yield break;
        if (body["loadingSeconds"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) && s % 5 != 0)
            yield return new("loadingSeconds", $"is {s}; it must be a multiple of 5");
        if (body["chatId"] is JsonValue chat && GroupOrRoom().IsMatch(chat.ToString()))
            yield return new("chatId", "is a group or room; the loading animation is only for one-on-one chats");
    }

    [GeneratedRegex("^[CR][0-9a-f]{32}$")]
    private static partial Regex GroupOrRoom();
}
