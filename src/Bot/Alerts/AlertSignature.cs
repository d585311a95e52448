using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bot.Chat.Slack;

namespace Bot.Alerts;

/// <summary>
/// How <c>/alerts/generic</c> requests are signed: <c>X-Deploybot-Signature: v1=</c> + hex HMAC-SHA256 of
/// <c>v1:{X-Deploybot-Timestamp}:{raw body}</c> keyed with <c>ALERTS_SECRET</c> — the scheme Slack uses,
/// with its five-minute window, so any monitoring tool that can sign a webhook can send alerts.
/// </summary>
public static class AlertSignature
{
    public static SignatureCheck Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return SignatureCheck.Mismatch;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > SlackSignature.Window.TotalSeconds) return SignatureCheck.Stale;
        if (!signature.StartsWith("v1=", StringComparison.Ordinal) || signature.Length != 3 + 64) return SignatureCheck.Mismatch;
        Span<byte> expected = stackalloc byte[32];
        Compute(secret, timestamp, body, expected);
        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(signature.AsSpan(3), given, out _, out var written) == OperationStatus.Done && written == 32
               && CryptographicOperations.FixedTimeEquals(expected, given)
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Compute(secret, timestamp, body, mac);
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    private static void Compute(string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes($"v1:{timestamp}:"));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
