using System.Collections.Concurrent;
using Bot.Configuration;

namespace Bot.Commands;

/// <summary>
/// <c>RateLimit</c> per person: a sliding window of the commands each one sent. A refused command does not count, so
/// waiting as told always works. Kept in this process: with several replicas each counts what it was sent.
/// </summary>
public sealed class CommandRateLimiter(PeopleOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.OrdinalIgnoreCase);

    public RateLimit Limit => options.RateLimit;

    /// <summary>Counts one command of <paramref name="who"/>; null when it is within the limit, else how long until it would be.</summary>
    public TimeSpan? TryTake(string who)
    {
        if (Limit.IsOff) return null;
        var now = time.GetUtcNow();
        var sent = _sent.GetOrAdd(who, _ => new Queue<DateTimeOffset>());
        lock (sent)
        {
            while (sent.TryPeek(out var oldest) && now - oldest >= Limit.Per) sent.Dequeue();
            if (sent.Count >= Limit.Count) return sent.Peek() + Limit.Per - now;
            sent.Enqueue(now);
            return null;
        }
    }
}
