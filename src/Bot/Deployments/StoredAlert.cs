namespace Bot.Deployments;

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
