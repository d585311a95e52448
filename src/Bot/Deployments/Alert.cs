namespace Bot.Deployments;

/// <summary>
/// Something that broke (or got better), from any source: a monitoring system through <c>/alerts/generic</c>,
/// a platform's webhook, or the bot itself when a deployment fails. Alerts with the same
/// <see cref="DedupeKey"/> within a window are one alert that happened several times.
/// </summary>
public sealed record Alert(
    string Source,
    string App,
    string? Env,
    AlertSeverity Severity,
    string Title,
    string? Detail,
    string? Link,
    string DedupeKey,
    bool Resolved,
    DateTimeOffset At);
