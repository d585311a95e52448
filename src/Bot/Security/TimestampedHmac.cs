using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Security;

/// <summary>
/// The signing scheme Slack made common: the header is <c>{version}=</c> + hex HMAC-SHA256 of
/// <c>{version}:{timestamp}:{raw body}</c>, and a timestamp more than five minutes from now either way is
/// refused, which also stops replays of captured requests. Compared in constant time.
/// </summary>
public static class TimestampedHmac
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static SignatureCheck Verify(string version, string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return SignatureCheck.Mismatch;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Window.TotalSeconds) return SignatureCheck.Stale;
        if (signature.Length != version.Length + 1 + 64 || !signature.StartsWith(version, StringComparison.Ordinal) || signature[version.Length] != '=')
            return SignatureCheck.Mismatch;

        Span<byte> expected = stackalloc byte[32];
        Compute(version, secret, timestamp, body, expected);
        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(signature.AsSpan(version.Length + 1), given, out _, out var written) == OperationStatus.Done && written == 32
               && CryptographicOperations.FixedTimeEquals(expected, given)
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    public static string Sign(string version, string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Compute(version, secret, timestamp, body, mac);
        return version + "=" + Convert.ToHexStringLower(mac);
    }

    private static void Compute(string version, string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes($"{version}:{timestamp}:"));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
