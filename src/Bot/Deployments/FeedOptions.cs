namespace Bot.Deployments;

/// <summary>How a follower waits for new events when nothing wakes it (another process writing to a SQLite file).</summary>
public sealed record FeedOptions(TimeSpan LookEvery)
{
    public static readonly FeedOptions Sqlite = new(TimeSpan.FromSeconds(1));

    /// <summary>PostgreSQL announces every event (<c>NOTIFY</c>); looking now and then only covers a lost connection.</summary>
    public static readonly FeedOptions Postgres = new(TimeSpan.FromSeconds(10));
}
