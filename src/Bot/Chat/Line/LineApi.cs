using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// A thin typed client for the Messaging API calls the bot makes: reply, push (with <c>X-Line-Retry-Key</c>,
/// so a retried push is never delivered twice), the loading animation, and profiles. Bearer
/// <c>LINE_CHANNEL_ACCESS_TOKEN</c>. Messages are LINE message objects built by <see cref="LineMessages"/>.
/// </summary>
public sealed class LineApi(HttpClient http, LineOptions options, TimeProvider time, ILogger<LineApi> logger)
{
    /// <summary><c>POST /v2/bot/message/reply</c>: answers an event with its reply token (1–5 messages).</summary>
    public Task ReplyAsync(string replyToken, IReadOnlyList<JsonObject> messages, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary><c>POST /v2/bot/message/push</c> with <paramref name="retryKey"/> as <c>X-Line-Retry-Key</c>.</summary>
    public Task PushAsync(string to, IReadOnlyList<JsonObject> messages, Guid retryKey, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary><c>POST /v2/bot/chat/loading/start</c>: the typing-dots in a 1:1 chat, for 5–60 seconds (a multiple of 5).</summary>
    public Task ShowLoadingAsync(string userId, int seconds, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The user's display name: <c>/v2/bot/profile/{userId}</c>, or the group/room member profile when in one.</summary>
    public Task<LineProfile?> GetProfileAsync(string userId, string? groupId, string? roomId, CancellationToken cancellationToken) => throw new NotImplementedException();

    private HttpClient Http => http;
    private LineOptions Options => options;
    private TimeProvider Time => time;
    private ILogger Logger => logger;
}

public sealed record LineProfile(string UserId, string DisplayName);

/// <summary>The Messaging API refused a call; <see cref="UserMessage"/> says it in words for chat.</summary>
public sealed class LineApiException(string path, int status, string detail) : Exception($"LINE {path} failed with {status}: {detail}")
{
    public string Path { get; } = path;
    public int Status { get; } = status;
    public string Detail { get; } = detail;

    public string UserMessage => Status switch
    {
        401 => "My LINE channel access token is not valid; an admin should check LINE_CHANNEL_ACCESS_TOKEN.",
        403 => "LINE does not let this channel do that (check the channel's plan and permissions).",
        429 => "LINE is rate-limiting me, or this month's message quota is used up.",
        _ => $"LINE refused the message ({Status}).",
    };
}
