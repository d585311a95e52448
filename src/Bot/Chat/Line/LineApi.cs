using System.Net;
using Bot.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// A thin typed client for the Messaging API calls the bot makes: reply, push (with <c>X-Line-Retry-Key</c>,
/// so a retried push is never delivered twice), the loading animation, and profiles. Bearer
/// <c>LINE_CHANNEL_ACCESS_TOKEN</c>. Messages are LINE message objects built by <see cref="LineMessages"/>.
/// </summary>
/// <remarks>
/// HTTP 429 is waited out by the resilience pipeline that <see cref="LineServices.AddLineApi"/> puts under the
/// <see cref="HttpClient"/> (<c>Retry-After</c> when LINE sends it, else 1 s, 2 s, 4 s, at most <see cref="RateLimitRetries"/>
/// times; see <see cref="PlatformHttp"/>), and so are server errors and timeouts; one that still comes back fails the call
/// with status 429. A push the pipeline sends again carries the same retry key, so LINE delivers it once at most.
/// </remarks>
public sealed partial class LineApi(HttpClient http, LineOptions options, TimeProvider time, ILogger<LineApi> logger, LineProfileCache? profiles = null)
{
    /// <summary>How many times the resilience pipeline sends a rate-limited call again before it fails with status 429.</summary>
    public const int RateLimitRetries = PlatformHttp.RateLimitRetries;

    /// <summary>LINE takes one to five message objects per reply or push.</summary>
    public const int MaxMessages = 5;

    public const string ReplyPath = "/v2/bot/message/reply";
    public const string PushPath = "/v2/bot/message/push";
    public const string LoadingPath = "/v2/bot/chat/loading/start";

    private readonly LineProfileCache _profiles = profiles ?? new LineProfileCache();

    /// <summary><c>POST /v2/bot/message/reply</c>: answers an event with its reply token (1–5 messages).</summary>
    /// <remarks>A refused token (used, expired) is a 400 and final: it is thrown at once so the caller can push instead.</remarks>
    public async Task ReplyAsync(string replyToken, IReadOnlyList<JsonObject> messages, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new LineReplyRequest(replyToken, Messages(messages)), LineJson.Default.LineReplyRequest);
        using var response = await SendAsync(ReplyPath, () => Post(ReplyPath, body), cancellationToken);
        await EnsureSuccessAsync(ReplyPath, response, cancellationToken);
    }

    /// <summary><c>POST /v2/bot/message/push</c> with <paramref name="retryKey"/> as <c>X-Line-Retry-Key</c>.</summary>
    /// <remarks>Every attempt of this call carries the same key, so LINE delivers the messages once however often it is sent.</remarks>
    public async Task PushAsync(string to, IReadOnlyList<JsonObject> messages, Guid retryKey, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new LinePushRequest(to, Messages(messages)), LineJson.Default.LinePushRequest);
        var key = retryKey.ToString("D");
        using var response = await SendAsync(PushPath, () =>
        {
            var request = Post(PushPath, body);
            request.Headers.Add(RetryKeyHeader, key);
            return request;
        }, cancellationToken);
        // 409 with the id of the earlier request: an earlier attempt with this key got through, only its answer was lost.
        if (response.StatusCode == HttpStatusCode.Conflict && response.Headers.TryGetValues(AcceptedRequestHeader, out var accepted))
        {
            logger.LogInformation("LINE had already accepted push {RetryKey} (request {RequestId}); not sending it again",
                key, string.Join(",", accepted));
            return;
        }
        await EnsureSuccessAsync(PushPath, response, cancellationToken);
    }

    /// <summary><c>POST /v2/bot/chat/loading/start</c>: the typing-dots in a 1:1 chat, for 5–60 seconds (a multiple of 5).</summary>
    public async Task ShowLoadingAsync(string userId, int seconds, CancellationToken cancellationToken)
    {
        if (seconds is < 5 or > 60 || seconds % 5 != 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "LINE shows the loading animation for 5 to 60 seconds, in steps of 5.");
        var body = JsonSerializer.SerializeToUtf8Bytes(new LineLoadingRequest(userId, seconds), LineJson.Default.LineLoadingRequest);
        using var response = await SendAsync(LoadingPath, () => Post(LoadingPath, body), cancellationToken);
        await EnsureSuccessAsync(LoadingPath, response, cancellationToken);
    }

    /// <summary>The user's display name: <c>/v2/bot/profile/{userId}</c>, or the group/room member profile when in one.</summary>
    /// <remarks>Answers are remembered for <see cref="LineProfileCache.Lifetime"/>; a user LINE does not know (404) is null.</remarks>
    public async Task<LineProfile?> GetProfileAsync(string userId, string? groupId, string? roomId, CancellationToken cancellationToken)
    {
        var path = (groupId, roomId) switch
        {
            ({ Length: > 0 } group, _) => $"/v2/bot/group/{Uri.EscapeDataString(group)}/member/{Uri.EscapeDataString(userId)}",
            (_, { Length: > 0 } room) => $"/v2/bot/room/{Uri.EscapeDataString(room)}/member/{Uri.EscapeDataString(userId)}",
            _ => $"/v2/bot/profile/{Uri.EscapeDataString(userId)}",
        };
        if (_profiles.TryGet(path, time.GetUtcNow()) is { } known) return known;

        using var response = await SendAsync(path, () => Request(HttpMethod.Get, path), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(path, response, cancellationToken);
        var body = await PlatformJson.TryReadAsync(response, LineJson.Default.LineProfileResponse, cancellationToken);
        if (body is not { DisplayName: { } name }) throw new LineApiException(path, (int)response.StatusCode, "the answer has no displayName");
        var profile = new LineProfile(body.UserId ?? userId, name);
        _profiles.Put(path, profile, time.GetUtcNow());
        return profile;
    }

    /// <summary>Copies of the caller's objects: a node belongs to one parent, and the caller may send the same ones again.</summary>
    private static JsonArray Messages(IReadOnlyList<JsonObject> messages)
    {
        if (messages.Count is 0 or > MaxMessages)
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, $"LINE takes 1 to {MaxMessages} messages per call.");
        var array = new JsonArray();
        foreach (var message in messages) array.Add(message.DeepClone());
        return array;
    }
}
