using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Targets.Lambda;

/// <summary>
/// AWS Signature Version 4 for a request with its body in hand: canonical request (path segments encoded twice, as
/// every service but S3 expects), string to sign, the derived key chain, and the <c>Authorization</c> header.
/// Pure: keys, region, service and the clock come in; AWS's own <c>get-vanilla</c> vector is a test.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <param name="s3">S3's rules: the path is encoded once (as sent) and the payload hash goes in <c>x-amz-content-sha256</c>.</param>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsKeys keys, string region, string service, DateTimeOffset now, bool s3 = false)
    {
        var payloadHash = Hex(SHA256.HashData(body));
        if (s3)
        {
            request.Headers.Remove("x-amz-content-sha256");
            request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        }
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = stamp[..8];
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", stamp);
        if (keys.SessionToken is { } token)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.IsDefaultPort ? uri.Host : uri.Authority };
        foreach (var (name, values) in request.Headers)
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
                headers[name.ToLowerInvariant()] = Trimmed(string.Join(",", values));
        if (request.Content?.Headers.ContentType is { } type) headers["content-type"] = Trimmed(type.ToString());

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(s3 ? (uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath) : CanonicalPath(uri.AbsolutePath)).Append('\n')
            .Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (name, value) in headers) canonical.Append(name).Append(':').Append(value).Append('\n');
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = $"{Algorithm}\n{stamp}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + keys.SecretAccessKey), date), region), service), "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={keys.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>Each segment of the already-encoded path is encoded once more (<c>my%20fn</c> → <c>my%2520fn</c>).</summary>
    internal static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        return string.Join('/', path.Split('/').Select(Encode));
    }

    /// <summary>Pairs decoded, re-encoded the RFC 3986 way and sorted by name, then value.</summary>
    internal static string CanonicalQuery(string query)
    {
        if (query.Length <= 1) return "";
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var i = p.IndexOf('=');
            var (k, v) = i < 0 ? (p, "") : (p[..i], p[(i + 1)..]);
            return (Key: Encode(Uri.UnescapeDataString(k)), Value: Encode(Uri.UnescapeDataString(v)));
        });
        return string.Join('&', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>RFC 3986: unreserved characters stay, every other byte of the UTF-8 form becomes <c>%XX</c>.</summary>
    internal static string Encode(string value)
    {
        var s = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') s.Append(c);
            else s.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return s.ToString();
    }

    private static string Trimmed(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
