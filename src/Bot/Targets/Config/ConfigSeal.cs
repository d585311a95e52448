using System.Security.Cryptography;
using System.Text;
using Bot.Security;

namespace Bot.Targets.Config;

/// <summary>
/// Keeps the values of a config change that has to wait (for approval, its turn, or a worker in another process) sealed
/// with AES-GCM under a key derived from the bot's link key (<see cref="LinkKey"/>: every replica with the same secrets
/// derives the same), so the store holds only ciphertext, and the sealed text is removed when the change ends.
/// The fingerprint key is derived from the same key for another purpose.
/// </summary>
public sealed class ConfigSeal
{
    private static readonly byte[] SealInfo = "deploybot config values v1"u8.ToArray();
    private static readonly byte[] FingerprintInfo = "deploybot config fingerprints v1"u8.ToArray();
    private readonly Lazy<byte[]> _key;
    private readonly Lazy<ConfigFingerprints> _fingerprints;

    public ConfigSeal(LinkKey key)
    {
        _key = new(() => HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Bytes, 32, salt: [], info: SealInfo));
        _fingerprints = new(() => new ConfigFingerprints(HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Bytes, 32, salt: [], info: FingerprintInfo)));
    }

    public ConfigFingerprints Fingerprints => _fingerprints.Value;

    public string Seal(ConfigChange change)
    {
        var plain = Encoding.UTF8.GetBytes(Encode(change));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(_key.Value, tag.Length))
            aes.Encrypt(nonce, plain, cipher, tag);
        CryptographicOperations.ZeroMemory(plain);
        return "v1." + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    /// <summary>The change sealed in <paramref name="text"/>; null when it was sealed under another key or altered.</summary>
    public ConfigChange? Open(string text)
    {
        if (!text.StartsWith("v1.", StringComparison.Ordinal)) return null;
        byte[] all;
        try { all = Convert.FromBase64String(text[3..]); }
        catch (FormatException) { return null; }
        const int nonce = 12, tag = 16;
        if (all.Length < nonce + tag) return null;
        var plain = new byte[all.Length - nonce - tag];
        try
        {
            using var aes = new AesGcm(_key.Value, tag);
            aes.Decrypt(all.AsSpan(0, nonce), all.AsSpan(nonce + tag), all.AsSpan(nonce, tag), plain);
        }
        catch (CryptographicException) { return null; }
        return Decode(Encoding.UTF8.GetString(plain));
    }

    // One line per key: `s NAME base64(value)` or `u NAME`.
    private static string Encode(ConfigChange change) =>
        string.Join('\n', change.Set.Select(kv => $"s {kv.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value))}")
            .Concat(change.Unset.Select(n => $"u {n}")));

    private static ConfigChange Decode(string text)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var unset = new List<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts[0] == "s" && parts.Length == 3) set[parts[1]] = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2]));
            else if (parts[0] == "u" && parts.Length == 2) unset.Add(parts[1]);
        }
        return new ConfigChange(set, unset);
    }
}
