namespace Bot.Tests.Web;

/// <summary>One server-sent event as a browser's EventSource would hand it over.</summary>
public sealed record SseEvent(string Name, string? Id, string Data);

/// <summary>Reads server-sent events off a response stream, one at a time, each within a time limit.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event, or null when the stream ended.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan patience)
    {
        string? name = null, id = null, data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(patience);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (data is not null) return new SseEvent(name ?? "message", id, data);
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart();
            switch (field)
            {
                case "event": name = value; break;
                case "id": id = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }
    }

    /// <summary>Events up to and including the first named <paramref name="name"/>.</summary>
    public async Task<List<SseEvent>> UntilAsync(string name, TimeSpan patience)
    {
        var seen = new List<SseEvent>();
        while (await NextAsync(patience) is { } e)
        {
            seen.Add(e);
            if (e.Name == name) return seen;
        }
        throw new InvalidOperationException($"the stream ended before an '{name}' event; saw {string.Join(", ", seen.Select(s => s.Name))}");
    }

    public void Dispose() => _reader.Dispose();
}
