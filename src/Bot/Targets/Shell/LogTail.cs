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
        // Two buffers for the whole read, however big the file: the block with the partial line after it, and that partial line.
        var chunk = ArrayPool<byte>.Shared.Rent(2 * Block);
        var carry = ArrayPool<byte>.Shared.Rent(Block);
        var carried = 0;
        var first = true;
        try
        {
            while (position > 0 && found.Count < count && scanned < maxScan)
            {
                var size = (int)Math.Min(Block, position);
                position -= size;
                file.Position = position;
                Grow(ref chunk, size + carried, 0);
                await file.ReadExactlyAsync(chunk.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                scanned += size;

                // The block plus the partial line left over from the block after it.
                Buffer.BlockCopy(carry, 0, chunk, size, carried);
                var end = size + carried;
                if (first && end > 0 && chunk[end - 1] == (byte)'\n') end--;
                first = false;
                if (needle is not null && position > 0)
                {
                    // The complete lines of this block (after its first newline) hold no match: keep only the partial first line.
                    var start = Array.IndexOf(chunk, (byte)'\n', 0, end);
                    if (start >= 0 && !Contains(chunk.AsSpan(start + 1, end - start - 1), needle))
                    {
                        Keep(chunk, start, ref carry, ref carried);
                        continue;
                    }
                }
                for (var i = end - 1; i >= 0 && found.Count < count; i--)
                {
                    if (chunk[i] != (byte)'\n') continue;
                    Take(chunk, i + 1, end, found, match);
                    end = i;
                }
                Keep(chunk, end, ref carry, ref carried);
            }
            if (position == 0 && found.Count < count && carried > 0)
                Take(carry, 0, carried, found, match);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            ArrayPool<byte>.Shared.Return(carry);
        }
        found.Reverse();
        return (found, position == 0);
    }

    /// <summary>The first <paramref name="length"/> bytes of the chunk become the partial line carried to the next block.</summary>
    private static void Keep(byte[] chunk, int length, ref byte[] carry, ref int carried)
    {
        Grow(ref carry, length, 0);
        Buffer.BlockCopy(chunk, 0, carry, 0, length);
        carried = length;
    }

    /// <summary>A bigger pooled buffer when a line longer than a block is carried, keeping the first <paramref name="keep"/> bytes.</summary>
    private static void Grow(ref byte[] buffer, int needed, int keep)
    {
        if (buffer.Length >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(needed);
        Buffer.BlockCopy(buffer, 0, bigger, 0, keep);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
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
