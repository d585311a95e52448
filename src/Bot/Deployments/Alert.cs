namespace Bot.Deployments;

public enum AlertSeverity { Info, Warning, Critical }

public enum AlertState { Firing, Resolved }

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

/// <summary>An alert as kept: how often it fired, since when, whether it is resolved, whether it was muted.</summary>
public sealed record StoredAlert(
    long Id,
    string Source,
    string App,
    string? Env,
    AlertSeverity Severity,
    string Title,
    string? Detail,
    string? Link,
    string DedupeKey,
    AlertState State,
    int Count,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt,
    DateTimeOffset? ResolvedAt,
    bool Muted);

/// <summary>What recording an alert did: a new one, one more of an open one, or the end of one.</summary>
public enum AlertChange { New, Repeated, Resolved, NothingOpen }
