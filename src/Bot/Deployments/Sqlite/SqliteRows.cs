using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>Column lists and row readers shared by the store's queries.</summary>
internal static class SqliteRows
{
    public const string DeploymentColumns =
        "id, app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, " +
        "state, created_at, started_at, finished_at, release, url, message, rollback_to, skip_checks";

    public const string LockColumns = "app, env, kind, holder_id, holder_name, reason, since, deployment_id";

    public static Deployment Deployment(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4) == "rollback" ? DeploymentKind.Rollback : DeploymentKind.Deploy,
        Str(r, 5), Str(r, 6), Str(r, 7),
        new Origin(r.GetString(8), r.GetString(9), Str(r, 10), r.GetString(11), r.GetString(12)),
        State(r.GetString(13)), Time(r.GetInt64(14)), OptTime(r, 15), OptTime(r, 16),
        Str(r, 17), Str(r, 18), Str(r, 19), Str(r, 20), r.GetInt64(21) != 0);

    public static LockInfo Lock(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2) switch { "manual" => LockKind.Manual, "freeze" => LockKind.Freeze, _ => LockKind.Deploy },
        r.GetString(3), r.GetString(4), Str(r, 5), Time(r.GetInt64(6)), r.IsDBNull(7) ? null : r.GetInt64(7));

    public static DeploymentEvent Event(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Time(r.GetInt64(2)), Enum.Parse<EventKind>(r.GetString(3), true), r.GetString(4));

    private static DeploymentState State(string s) => s switch
    {
        "queued" => DeploymentState.Queued,
        "running" => DeploymentState.Running,
        "succeeded" => DeploymentState.Succeeded,
        "failed" => DeploymentState.Failed,
        "cancelled" => DeploymentState.Cancelled,
        _ => DeploymentState.Interrupted,
    };

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

    public static string Name(Alerts.AlertSeverity value) => value switch
    {
        Alerts.AlertSeverity.Critical => "critical",
        Alerts.AlertSeverity.Info => "info",
        _ => "warning",
    };

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? OptTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));
}
