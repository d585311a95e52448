using System.Globalization;
using System.Text;

namespace Bot.Tests.Reliability;

/// <summary>How the body travels: as HTTP says (a length, or chunks), or with framing that lies about it.</summary>
public enum Framing { Length, Chunked, LongerThanSent, ShorterThanSent, ChunkedWithLength, BadChunks }

/// <summary>
/// One request of the fuzz run and the answers it may get. A status of 0 in <see cref="Allowed"/> means the bot may
/// close the connection without answering, which only a client that broke HTTP framing has earned.
/// </summary>
public sealed record FuzzCase(int Index, string Label, HttpMethod Method, string Path, byte[] Body, string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers, Framing Framing, IReadOnlySet<int> Allowed)
{
    public const int Closed = 0;

    /// <summary>Enough to send it again by hand: method, path, headers and the start of the body.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder($"#{Index} {Label}: {Method} {Escape(Path, 300)} ({Framing}, {Body.Length} bytes");
        sb.Append(ContentType is null ? ", no content type)" : $", {ContentType})");
        foreach (var (name, value) in Headers) sb.Append($"\n  {name}: {Escape(value, 120)}");
        sb.Append($"\n  body: {Escape(Encoding.UTF8.GetString(Body), 600)}");
        return sb.ToString();
    }

    private static string Escape(string s, int max)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length <= max ? s : s[..max])
            sb.Append(c is < ' ' or (>= '\u007F' and <= '\u009F') or (>= '\uD800' and <= '\uDFFF') ? $"\\u{(int)c:x4}" : c.ToString());
        return s.Length <= max ? sb.ToString() : sb.Append($"… ({s.Length} chars)").ToString();
    }

    public static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
