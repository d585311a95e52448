using Bot.Security;

namespace Bot.Alerts;

/// <summary>
/// How <c>/alerts/generic</c> requests are signed: <c>X-Deploybot-Signature: v1=</c> + hex HMAC-SHA256 of
/// <c>v1:{X-Deploybot-Timestamp}:{raw body}</c> keyed with <c>ALERTS_SECRET</c> — the scheme Slack uses,
/// with its five-minute window, so any monitoring tool that can sign a webhook can send alerts.
/// </summary>
public static class AlertSignature
{
    public static SignatureCheck Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now) =>
        TimestampedHmac.Verify("v1", secret, timestamp, body, signature, now);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) => TimestampedHmac.Sign("v1", secret, timestamp, body);
}
