namespace Bot.Chat.Slack;

/// <summary>Timing of the Socket Mode connection; the defaults suit Slack, tests shorten them.</summary>
public sealed record SlackSocketModeOptions
{
    /// <summary>
    /// How long a handler may take before its envelope is acknowledged without a response payload.
    /// Slack wants the ack within 3 seconds; the rest is margin for the network.
    /// </summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(2.5);

    /// <summary>The wait before the first reconnect; each failure in a row doubles it.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Up to this fraction is taken off each wait at random, so many bots do not reconnect in step.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>A connection that lived this long was healthy: the next drop starts the waits from the beginning.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Pings go out this often; with no pong within <see cref="KeepAliveTimeout"/> the connection counts
    /// as dead and is replaced. This is how a link that went silent is noticed.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long closing waits for pending acks and for Slack's close frame before dropping the socket.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A bigger message is not Slack talking; the connection is closed and opened again.</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// The wait after <paramref name="failures"/> failed or dropped connections in a row (1 for the first):
    /// <see cref="FirstRetryDelay"/> doubled each time, capped at <see cref="MaxRetryDelay"/>, less up to
    /// <see cref="Jitter"/> of it by <paramref name="random"/> (0 to 1).
    /// </summary>
    public TimeSpan RetryDelay(int failures, double random)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var full = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, doublings), MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (1 - Jitter * Math.Clamp(random, 0, 1)));
    }
}
