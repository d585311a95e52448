using System.Security.Cryptography;
using System.Text;
using Bot.Security;
using Google.Apis.Auth;

namespace Bot.Alerts;

/// <summary>
/// The two ways Google proves a request to <c>/alerts/gcp</c> is its own: a Cloud Monitoring webhook's shared token
/// (constant time), and a Pub/Sub push's OIDC token, verified by Google.Apis.Auth against Google's signing keys: RS256
/// signature, issuer <c>accounts.google.com</c>, expiry (on the system clock: the library takes no other), our endpoint as the
/// audience, and the configured service account.
/// </summary>
public static class GcpToken
{
    private static readonly string[] Issuers = ["https://accounts.google.com", "accounts.google.com"];

    /// <summary>The token from <c>?token=</c> or from basic auth's password, compared with <paramref name="secret"/> in constant time.</summary>
    public static SignatureCheck VerifyShared(string secret, string? queryToken, string? authorization)
    {
        var given = queryToken is { Length: > 0 } q ? q : BasicPassword(authorization);
        if (given is null) return SignatureCheck.Missing;
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(a, b) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    public static async Task<OidcCheck> VerifyPushAsync(string? authorization, string audience, string serviceAccount, Uri? certsUrl, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return OidcCheck.Missing;
        var options = new SignedTokenVerificationOptions
        {
            TrustedAudiences = { audience },
            CertificatesUrl = certsUrl?.ToString(),
            ExpiryClockTolerance = TimeSpan.FromSeconds(30),
            IssuedAtClockTolerance = TimeSpan.FromSeconds(30),
        };
        foreach (var issuer in Issuers) options.TrustedIssuers.Add(issuer);
        GoogleJsonWebSignature.Payload payload;
        try
        {
            payload = await JsonWebSignature.VerifySignedTokenAsync<GoogleJsonWebSignature.Payload>(authorization[7..].Trim(), options, ct).ConfigureAwait(false);
        }
        catch (InvalidJwtException e)
        {
            return e.Message.Contains("expired", StringComparison.OrdinalIgnoreCase) ? OidcCheck.Expired
                : e.Message.Contains("aud", StringComparison.OrdinalIgnoreCase) ? OidcCheck.WrongAudience
                : OidcCheck.Invalid;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or Newtonsoft.Json.JsonException) { return OidcCheck.Invalid; }
        var email = payload.Email ?? "";
        var same = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(email.ToLowerInvariant()), Encoding.UTF8.GetBytes(serviceAccount.ToLowerInvariant()));
        return same && payload.EmailVerified ? OidcCheck.Valid : OidcCheck.WrongAccount;
    }

    private static string? BasicPassword(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            return pair.IndexOf(':') is var colon and >= 0 ? pair[(colon + 1)..] : null;
        }
        catch (FormatException) { return null; }
    }
}
