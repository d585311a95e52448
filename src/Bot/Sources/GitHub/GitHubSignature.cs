using System.Buffers;
using Bot.Security;

namespace Bot.Sources.GitHub;

/// <summary>
/// GitHub webhooks: <c>X-Hub-Signature-256</c> is <c>sha256=</c> + the lower-case hex HMAC-SHA256 of the raw body keyed
/// with the webhook's secret (<c>GITHUB_WEBHOOK_SECRET</c>). GitHub sends no timestamp to bound replays; a replayed
/// delivery is caught by its <c>X-GitHub-Delivery</c> id instead. Compared in constant time.
/// </summary>
public static class GitHubSignature
{
    public const string Header = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";

    public static SignatureCheck Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature)) return SignatureCheck.Missing;
        var given = signature.Trim();
        if (given.Length != Prefix.Length + 64 || !given.StartsWith(Prefix, StringComparison.Ordinal)) return SignatureCheck.Mismatch;
        Span<byte> mac = stackalloc byte[BodyHmac.Length];
        if (Convert.FromHexString(given.AsSpan(Prefix.Length), mac, out _, out var written) != OperationStatus.Done || written != BodyHmac.Length) return SignatureCheck.Mismatch;
        return BodyHmac.Check(secret, body, mac);
    }

    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[BodyHmac.Length];
        BodyHmac.Compute(secret, body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }
}
