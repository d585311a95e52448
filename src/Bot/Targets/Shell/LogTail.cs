using System.Buffers;
using System.Text;

namespace Bot.Targets.Shell;

/// <summary>
/// Reads the last lines of a log file from its end, a block at a time, so a gigabyte of log costs
/// no more than the lines asked for (plus the blocks searched when filtering).
/// </summary>
public static class LogTail
{
    private const int Block = 64 * 1024;

    /// <param name="grep">Keep only lines containing this text (any case); whole blocks without it are skipped undecoded line by line.</param>
    /// <param name="maxScan">How far back to look for matching lines before giving up.</param>
    public static async Task<(List<string> Lines, bool ReachedStart)> ReadAsync(
        string path, int count, string? grep, long maxScan, CancellationToken cancellationToken)
    {
        Func<string, bool>? match = grep is null ? null : line => line.Contains(grep, StringComparison.OrdinalIgnoreCase);
        var needle = grep is null ? null : SearchValues.Create([grep], StringComparison.OrdinalIgnoreCase);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        var found = new List<string>();
        var position = file.Length;
        var scanned = 0L;
        var carry = Array.Empty<byte>();
        var buffer = new byte[Block];
        var first = true;
        while (position > 0 && found.Count < count && scanned < maxScan)
        {
            var size = (int)Math.Min(Block, position);
            position -= size;
            file.Position = position;
            await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
            scanned += size;

            // The block plus the partial line left over from the block after it.
            var chunk = new byte[size + carry.Length];
            Buffer.BlockCopy(buffer, 0, chunk, 0, size);
            Buffer.BlockCopy(carry, 0, chunk, size, carry.Length);
            var end = chunk.Length;
            if (first && end > 0 && chunk[end - 1] == (byte)'\n') end--;
            first = false;
            if (needle is not null && position > 0)
            {
                // The complete lines of this block (after its first newline) hold no match: keep only the partial first line.
                var start = Array.IndexOf(chunk, (byte)'\n', 0, end);
                if (start >= 0 && !Contains(chunk.AsSpan(start + 1, end - start - 1), needle))
                {
                    carry = chunk[..start];
                    continue;
                }
            }
            for (var i = end - 1; i >= 0 && found.Count < count; i--)
            {
                if (chunk[i] != (byte)'\n') continue;
                Take(chunk, i + 1, end, found, match);
                end = i;
            }
            carry = chunk[..end];
        }
        if (position == 0 && found.Count < count && carry.Length > 0)
            Take(carry, 0, carry.Length, found, match);
        found.Reverse();
        return (found, position == 0);
    }

    private static bool Contains(ReadOnlySpan<byte> utf8, SearchValues<string> text)
    {
        var chars = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            var n = Encoding.UTF8.GetChars(utf8, chars);
            return chars.AsSpan(0, n).IndexOfAny(text) >= 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void Take(byte[] chunk, int start, int end, List<string> found, Func<string, bool>? match)
    {
        var line = Encoding.UTF8.GetString(chunk, start, end - start).TrimEnd('\r');
        if (match is null || match(line)) found.Add(line.Length > 4000 ? line[..4000] + " …" : line);
    }
}
