using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Bot.Targets.Heroku;

/// <summary>
/// Reads one of Heroku's output streams (<c>output_stream_url</c> of a build or a release) as lines. It remembers how
/// many bytes it has read, so after a dropped connection the next read asks for the rest with a <c>Range</c>
/// header (as the schema advises) and no line is shown twice.
/// </summary>
public sealed partial class OutputStream(HerokuApi api, Uri url)
{
    private const int MaxLine = 2000;
    private readonly MemoryStream _partial = new();

    /// <summary>True once the stream has been read to its end without dropping.</summary>
    public bool Complete { get; private set; }

    /// <summary>Bytes taken so far (whole lines only).</summary>
    public long Offset { get; private set; }

    /// <summary>Lines until the stream ends or drops; a stream that is not there yet reads as no lines.</summary>
    public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await api.OpenStreamAsync(url, Offset, ct).ConfigureAwait(false); }
        catch (HttpRequestException) { yield break; }
        using (response)
        {
            if (!response.IsSuccessStatusCode) yield break;
            // A server that ignored the Range header sends everything again: skip what was already shown.
            var skip = response.StatusCode == HttpStatusCode.PartialContent ? 0 : Offset;
            Stream body;
            try { body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false); }
            catch (HttpRequestException) { yield break; }
            var buffer = new byte[8192];
            _partial.SetLength(0);
            var clean = false;
            while (true)
            {
                int read;
                try { read = await body.ReadAsync(buffer, ct).ConfigureAwait(false); }
                catch (Exception e) when (e is HttpRequestException or IOException) { break; }
                if (read == 0)
                {
                    clean = true;
                    break;
                }
                var start = (int)Math.Min(skip, read);
                skip -= start;
                // Whole lines as they come: each chunk the server flushes becomes a batch of progress lines.
                foreach (var line in Split(buffer.AsSpan(start, read - start))) yield return line;
            }
            // After a clean end a last line without a newline is whole; after a drop it is read again next time.
            if (clean && _partial.Length > 0) yield return Take((int)_partial.Length, 0);
            Complete = clean;
        }
    }

    private List<string> Split(ReadOnlySpan<byte> chunk)
    {
        var lines = new List<string>();
        foreach (var b in chunk)
        {
            _partial.WriteByte(b);
            if (b == (byte)'\n') lines.Add(Take((int)_partial.Length - 1, 1));
            else if (_partial.Length > MaxLine * 4) lines.Add(Take((int)_partial.Length, 0));
        }
        return lines;
    }

    private string Take(int length, int terminator)
    {
        var text = Encoding.UTF8.GetString(_partial.GetBuffer(), 0, length);
        Offset += length + terminator;
        _partial.SetLength(0);
        text = Ansi().Replace(text, "").TrimEnd('\r');
        // Progress bars redraw a line with carriage returns; the last drawing is the one to keep.
        if (text.LastIndexOf('\r') is var cr and >= 0) text = text[(cr + 1)..];
        return text.Length > MaxLine ? text[..MaxLine] + "…" : text;
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();
}
