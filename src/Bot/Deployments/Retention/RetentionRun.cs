namespace Bot.Deployments.Retention;

/// <summary>What one retention run removed, and the pages a SQLite file gave back.</summary>
public sealed record RetentionRun(long Lines, long Deployments, long AuditEntries, long Pages);
