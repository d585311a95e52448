namespace Bot.Deployments;

/// <summary>How states and kinds are spelled in the stores' tables (the same words in SQLite and PostgreSQL).</summary>
internal static class StoreNames
{
    public static string Name(DeploymentKind value) => value == DeploymentKind.Rollback ? "rollback" : "deploy";

    public static string Name(LockKind value) => value switch { LockKind.Manual => "manual", LockKind.Freeze => "freeze", _ => "deploy" };

    public static string Name(DeploymentState value) => value switch
    {
        DeploymentState.Queued => "queued",
        DeploymentState.Running => "running",
        DeploymentState.Succeeded => "succeeded",
        DeploymentState.Failed => "failed",
        DeploymentState.Cancelled => "cancelled",
        _ => "interrupted",
    };

    public static string Name(EventKind value) => value.ToString().ToLowerInvariant();

    public static string Name(AlertSeverity value) => value switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Info => "info",
        _ => "warning",
    };

    public static DeploymentKind DeploymentKindOf(string s) => s == "rollback" ? DeploymentKind.Rollback : DeploymentKind.Deploy;

    public static LockKind LockKindOf(string s) => s switch { "manual" => LockKind.Manual, "freeze" => LockKind.Freeze, _ => LockKind.Deploy };

    public static DeploymentState StateOf(string s) => s switch
    {
        "queued" => DeploymentState.Queued,
        "running" => DeploymentState.Running,
        "succeeded" => DeploymentState.Succeeded,
        "failed" => DeploymentState.Failed,
        "cancelled" => DeploymentState.Cancelled,
        _ => DeploymentState.Interrupted,
    };

    public static EventKind EventKindOf(string s) => Enum.Parse<EventKind>(s, true);

    public static AlertSeverity SeverityOf(string s) => s switch
    {
        "critical" => AlertSeverity.Critical,
        "info" => AlertSeverity.Info,
        _ => AlertSeverity.Warning,
    };
}
