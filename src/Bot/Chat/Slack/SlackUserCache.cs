using System.Collections.Concurrent;

namespace Bot.Chat.Slack;

/// <summary>
/// The <c>users.info</c> answers <see cref="SlackApi"/> has seen, kept for <see cref="Lifetime"/>, and the lookups that
/// failed (no <c>users:read</c> scope, Slack slow or down), remembered for <see cref="FailureMemory"/> so a bot without
/// the scope does not ask Slack on every command. A singleton of its own because <see cref="SlackApi"/> is a typed HTTP
/// client, made anew for each consumer.
/// </summary>
public sealed class SlackUserCache
{
    /// <summary>Long enough to spare Slack a lookup per message, short enough that a rename shows up the same day.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>How long a failed lookup is not tried again.</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (SlackUser User, DateTimeOffset Fetched)> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failed = new(StringComparer.Ordinal);

    /// <summary>A lookup of <paramref name="userId"/> failed less than <see cref="FailureMemory"/> ago.</summary>
    public bool FailedLately(string userId, DateTimeOffset now) => _failed.TryGetValue(userId, out var at) && now - at < FailureMemory;

    public void Failed(string userId, DateTimeOffset now) => _failed[userId] = now;

    internal SlackUser? TryGet(string userId, DateTimeOffset now) =>
        _users.TryGetValue(userId, out var entry) && now - entry.Fetched < Lifetime ? entry.User : null;

    internal void Put(SlackUser user, DateTimeOffset now)
    {
        _users[user.Id] = (user, now);
        _failed.TryRemove(user.Id, out _);
    }

    /// <summary>The name kept for <paramref name="userId"/>, if any and fresh.</summary>
    public string? NameOf(string userId, DateTimeOffset now) => TryGet(userId, now)?.Shown;
}
