using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Chat.Slack;

public enum SignatureCheck { Valid, Missing, Stale, Mismatch }

/// <summary>
/// Slack's request signing: <c>X-Slack-Signature</c> is <c>v0=</c> + hex HMAC-SHA256 of
/// <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c> keyed with the signing secret. Requests more than
/// five minutes from now either way are refused, which also stops replays of captured requests.
/// </summary>
public static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static SignatureCheck Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return SignatureCheck.Mismatch;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Window.TotalSeconds) return SignatureCheck.Stale;
        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || signature.Length != 3 + 64) return SignatureCheck.Mismatch;

        Span<byte> expected = stackalloc byte[32];
        Compute(secret, timestamp, body, expected);
        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(signature.AsSpan(3), given, out _, out var written) == OperationStatus.Done && written == 32
               && CryptographicOperations.FixedTimeEquals(expected, given)
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    /// <summary>The header value Slack would send; tests and the benchmark sign requests with it.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Compute(secret, timestamp, body, mac);
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    private static void Compute(string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
