using System.Collections.Concurrent;

namespace Bot.Chat.Slack;

/// <summary>
/// The <c>users.info</c> answers <see cref="SlackApi"/> has seen, kept for <see cref="Lifetime"/>. A singleton of its own
/// because <see cref="SlackApi"/> is a typed HTTP client, made anew for each consumer.
/// </summary>
public sealed class SlackUserCache
{
    /// <summary>Long enough to spare Slack a lookup per message, short enough that a rename shows up the same day.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (SlackUser User, DateTimeOffset Fetched)> _users = new(StringComparer.Ordinal);

    internal SlackUser? TryGet(string userId, DateTimeOffset now) =>
        _users.TryGetValue(userId, out var entry) && now - entry.Fetched < Lifetime ? entry.User : null;

    internal void Put(SlackUser user, DateTimeOffset now) => _users[user.Id] = (user, now);
}
