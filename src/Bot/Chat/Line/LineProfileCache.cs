using System.Collections.Concurrent;

namespace Bot.Chat.Line;

/// <summary>
/// The profiles <see cref="LineApi"/> has fetched, by the path they came from (a group member's profile is asked for
/// apart from the user's own), kept for <see cref="Lifetime"/>. A singleton of its own because <see cref="LineApi"/> is a
/// typed HTTP client, made anew for each consumer.
/// </summary>
public sealed class LineProfileCache
{
    /// <summary>Long enough to spare LINE a lookup per message, short enough that a new display name shows the same day.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (LineProfile Profile, DateTimeOffset Fetched)> _profiles = new(StringComparer.Ordinal);

    internal LineProfile? TryGet(string path, DateTimeOffset now) =>
        _profiles.TryGetValue(path, out var entry) && now - entry.Fetched < Lifetime ? entry.Profile : null;

    internal void Put(string path, LineProfile profile, DateTimeOffset now) => _profiles[path] = (profile, now);
}
