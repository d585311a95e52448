using System.Security.Cryptography;
using System.Text;
using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Security;

/// <summary>
/// The key that signs page links: <c>LOG_LINK_SECRET</c>; when unset, HKDF-SHA256 over the chat and platform secrets
/// the process is configured with (every replica with the same secrets signs alike); with none of those, a random key
/// kept in <c>DATA_DIR/log-link.key</c> (read on first use).
/// </summary>
public sealed class LinkKey
{
    public const string Variable = "LOG_LINK_SECRET";

    /// <summary>The secrets a key is derived from, in this order, when <see cref="Variable"/> is not set.</summary>
    public static readonly string[] DerivedFrom =
        ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "HEROKU_API_KEY", "HEROKU_WEBHOOK_SECRET", "DATABASE_URL"];

    private static readonly byte[] Info = "deploybot log links v1"u8.ToArray();
    private readonly Lazy<byte[]> _bytes;

    private LinkKey(string source, Func<byte[]> bytes) => (Source, _bytes) = (source, new Lazy<byte[]>(bytes));

    /// <summary>Where the key comes from, for the README's promise and start-up checks: a variable, the derived list, or the file.</summary>
    public string Source { get; }

    public byte[] Bytes => _bytes.Value;

    public static LinkKey Of(byte[] key) => new("given", () => key);

    public static LinkKey From(IConfiguration configuration, string dataDir)
    {
        if (configuration[Variable] is { Length: > 0 } secret)
        {
            if (secret.Length < 16) throw new ConfigException(Variable, "expected at least 16 characters (e.g. `openssl rand -hex 32`)");
            return new LinkKey(Variable, () => SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        }
        var present = DerivedFrom.Where(n => configuration[n] is { Length: > 0 }).ToList();
        if (present.Count > 0)
        {
            var material = string.Join('\n', present.Select(n => $"{n}={configuration[n]}"));
            return new LinkKey("derived from " + string.Join(", ", present),
                () => HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(material), 32, salt: [], info: Info));
        }
        var file = Path.Combine(dataDir, "log-link.key");
        return new LinkKey(file, () => ReadOrCreate(file));
    }

    private static byte[] ReadOrCreate(string file)
    {
        if (File.Exists(file) && File.ReadAllBytes(file) is { Length: 32 } kept) return kept;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = file + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            stream.Write(key);
        try
        {
            // Two processes starting at once: the first file to land wins, the other reads it.
            File.Move(temp, file, overwrite: false);
            return key;
        }
        catch (IOException)
        {
            File.Delete(temp);
            return File.ReadAllBytes(file);
        }
    }
}
