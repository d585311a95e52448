using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Security;

/// <summary>
/// The token of a signed page link: <c>&lt;expiry&gt;.&lt;mac&gt;</c>, where mac is HMAC-SHA256 over what the link shows
/// (<c>d</c>, app, number; or <c>a</c>, alert id) and the expiry in Unix seconds, cut to 128 bits, base64url. Pure, so
/// the endpoint, the cards and the tests all use the same two functions.
/// </summary>
public static class LinkToken
{
    private const int MacBytes = 16;

    public static string Sign(ReadOnlySpan<byte> key, string subject, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds();
        return seconds.ToString(CultureInfo.InvariantCulture) + "." + Base64Url(Mac(key, subject, seconds));
    }

    /// <summary>Checks the signature first (constant time), then the expiry, so a token with a changed expiry is wrong, not expired.</summary>
    public static LinkCheck Verify(ReadOnlySpan<byte> key, string subject, string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return LinkCheck.Malformed;
        var dot = token.IndexOf('.');
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return LinkCheck.Malformed;
        var given = FromBase64Url(token[(dot + 1)..]);
        if (given is null || given.Length != MacBytes) return LinkCheck.Malformed;
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(key, subject, seconds))) return LinkCheck.WrongSignature;
        return now.ToUnixTimeSeconds() < seconds ? LinkCheck.Valid : LinkCheck.Expired;
    }

    /// <summary>What a deployment's page link signs: app and number (an app name has no newline).</summary>
    public static string Deployment(string app, int number) => $"d\n{app.ToLowerInvariant()}\n{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>What a stats page link signs: the app (empty for all apps), environment and days.</summary>
    public static string Stats(string? app, string env, int days) =>
        $"s\n{app?.ToLowerInvariant()}\n{env.ToLowerInvariant()}\n{days.ToString(CultureInfo.InvariantCulture)}";

    public static string Alert(long id) => $"a\n{id.ToString(CultureInfo.InvariantCulture)}";

    private static byte[] Mac(ReadOnlySpan<byte> key, string subject, long seconds)
    {
        var message = Encoding.UTF8.GetBytes($"{subject}\n{seconds.ToString(CultureInfo.InvariantCulture)}");
        return HMACSHA256.HashData(key, message)[..MacBytes];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length is 0 or > 44 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return null;
        var b64 = text.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        byte[] bytes;
        try { bytes = Convert.FromBase64String(b64); }
        catch (FormatException) { return null; }
        // Only the one spelling Sign writes: the last character carries spare bits, and a changed one must not pass.
        return Base64Url(bytes) == text ? bytes : null;
    }
}
