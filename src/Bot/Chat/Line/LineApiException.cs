namespace Bot.Chat.Line;

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
