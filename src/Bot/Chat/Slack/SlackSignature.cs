using Bot.Security;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack's request signing: <c>X-Slack-Signature</c> is <c>v0=</c> + hex HMAC-SHA256 of
/// <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c> keyed with the signing secret, within five minutes of now.
/// </summary>
public static class SlackSignature
{
    public static TimeSpan Window => TimestampedHmac.Window;

    public static SignatureCheck Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now) =>
        TimestampedHmac.Verify("v0", secret, timestamp, body, signature, now);

    /// <summary>The header value Slack would send; tests and the benchmark sign requests with it.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) => TimestampedHmac.Sign("v0", secret, timestamp, body);
}
