using System.Security.Cryptography;
using System.Text;

namespace Bot.Security;

/// <summary>
/// The HMAC-SHA256 of a webhook's raw body keyed with its secret, which LINE and Heroku send in base64 and GitHub in hex
/// after <c>sha256=</c>: each reads its own header into bytes, and the comparison is made here, in constant time.
/// </summary>
public static class BodyHmac
{
    public const int Length = 32;

    public static void Compute(string secret, ReadOnlySpan<byte> body, Span<byte> destination) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, destination);

    /// <summary><see cref="SignatureCheck.Valid"/> when <paramref name="given"/> is the body's MAC, else a mismatch.</summary>
    public static SignatureCheck Check(string secret, ReadOnlySpan<byte> body, ReadOnlySpan<byte> given)
    {
        Span<byte> expected = stackalloc byte[Length];
        Compute(secret, body, expected);
        return given.Length == Length && CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
