using Bot.Security;

namespace Bot.Alerts;

/// <summary>
/// Heroku app webhooks: <c>Heroku-Webhook-Hmac-SHA256</c> is the base64 HMAC-SHA256 of the raw body keyed with the
/// secret given when the webhook was made (<c>HEROKU_WEBHOOK_SECRET</c>). Heroku sends no timestamp to bound replays;
/// redeliveries are caught by their delivery id instead.
/// </summary>
public static class HerokuSignature
{
    public static SignatureCheck Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature)) return SignatureCheck.Missing;
        Span<byte> given = stackalloc byte[BodyHmac.Length];
        if (!Convert.TryFromBase64String(signature.Trim(), given, out var written) || written != BodyHmac.Length) return SignatureCheck.Mismatch;
        return BodyHmac.Check(secret, body, given);
    }

    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[BodyHmac.Length];
        BodyHmac.Compute(secret, body, mac);
        return Convert.ToBase64String(mac);
    }
}
