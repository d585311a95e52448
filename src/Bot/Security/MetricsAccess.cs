using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Security;

/// <summary>
/// Who may read <c>/metrics</c>: with <c>METRICS_TOKEN</c> set, a request bearing it (compared in constant time), else
/// 401; without it, only a request made on this machine (loopback, not passed on by a proxy here), else 404 as if
/// there were no such page. Pure, so every case is a test of values.
/// </summary>
public static class MetricsAccess
{
    public enum Result { Allowed, Unauthorized, NotFound }

    /// <param name="proxied">The request carries <c>Forwarded</c> or <c>X-Forwarded-For</c>: a proxy on this host relayed it from elsewhere.</param>
    public static Result Check(string? token, string? authorization, IPAddress? remote, bool proxied)
    {
        if (token is not { Length: > 0 })
            return remote is not null && IPAddress.IsLoopback(remote) && !proxied ? Result.Allowed : Result.NotFound;
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return Result.Unauthorized;
        // Hashes first: equal lengths, so the comparison says nothing about the token's length either.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var wanted = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, wanted) ? Result.Allowed : Result.Unauthorized;
    }
}
