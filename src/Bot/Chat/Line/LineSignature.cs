using Bot.Security;

namespace Bot.Chat.Line;

/// <summary>
/// LINE's webhook signing: <c>X-Line-Signature</c> is the base64 HMAC-SHA256 of the raw body bytes keyed with
/// the channel secret. Checked before the body is parsed at all, in constant time. LINE sends no timestamp, so a
/// check is never <see cref="SignatureCheck.Stale"/>; a redelivery is caught by its webhook event id instead.
/// </summary>
public static class LineSignature
{
    public static SignatureCheck Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        Span<byte> given = stackalloc byte[48];
        return Convert.TryFromBase64String(signature, given, out var written) && written == BodyHmac.Length
            ? BodyHmac.Check(secret, body, given[..written])
            : SignatureCheck.Mismatch;
    }

    /// <summary>The header value LINE would send; tests and the benchmark sign requests with it.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[BodyHmac.Length];
        BodyHmac.Compute(secret, body, mac);
        return Convert.ToBase64String(mac);
    }
}
