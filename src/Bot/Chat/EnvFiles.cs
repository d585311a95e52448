namespace Bot.Chat;

/// <summary>Which shared files are <c>.env</c> files the bot reads (in a direct message), and how large one may be.</summary>
public static class EnvFiles
{
    /// <summary>A <c>.env</c> file is a few dozen lines; anything larger is not one, and is not downloaded.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary><c>.env</c>, <c>.env.production</c>, <c>prod.env</c>: the names people give these files.</summary>
    public static bool Looks(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return false;
        var n = Path.GetFileName(name.Trim()).ToLowerInvariant();
        return n == ".env" || n.StartsWith(".env.", StringComparison.Ordinal) || n.EndsWith(".env", StringComparison.Ordinal);
    }

    /// <summary>What the person is told when the file is too large to be a <c>.env</c> file.</summary>
    public static string TooLarge(string name) =>
        $"{Text.Tokens.Clip(name, 60)} is larger than {MaxBytes / 1024} KB, which no .env file needs, so I did not read it. Nothing was set.";

    /// <summary>The body of a download, or null when it is larger than <see cref="MaxBytes"/> (the rest is never read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBytes + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false) is var n and > 0) read += n;
        return read > MaxBytes ? null : buffer[..read];
    }
}
