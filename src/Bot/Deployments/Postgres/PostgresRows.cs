using Bot.Deployments;
using Npgsql;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Postgres;

/// <summary>Column lists and row readers shared by the PostgreSQL store's queries.</summary>
internal static class PostgresRows
{
    public const string DeploymentColumns =
        "id, app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, " +
        "state, created_at, started_at, finished_at, release, url, message, rollback_to, skip_checks";

    public const string LockColumns = "app, env, kind, holder_id, holder_name, reason, since, deployment_id";

    public const string EventColumns = "deployment_id, seq, at, kind, text";

    public const string AlertColumns =
        "id, source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted";

    public static Deployment Deployment(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), DeploymentKindOf(r.GetString(4)),
        Str(r, 5), Str(r, 6), Str(r, 7),
        new Origin(r.GetString(8), r.GetString(9), Str(r, 10), r.GetString(11), r.GetString(12)),
        StateOf(r.GetString(13)), Time(r, 14), OptTime(r, 15), OptTime(r, 16),
        Str(r, 17), Str(r, 18), Str(r, 19), Str(r, 20), r.GetBoolean(21));

    public static LockInfo Lock(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), LockKindOf(r.GetString(2)),
        r.GetString(3), r.GetString(4), Str(r, 5), Time(r, 6), r.IsDBNull(7) ? null : r.GetInt64(7));

    public static DeploymentEvent Event(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Time(r, 2), EventKindOf(r.GetString(3)), r.GetString(4));

    public static StoredAlert AlertRow(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), SeverityOf(r.GetString(4)),
        r.GetString(5), Str(r, 6), Str(r, 7), r.GetString(8),
        r.GetString(9) == "resolved" ? AlertState.Resolved : AlertState.Firing, r.GetInt32(10),
        Time(r, 11), Time(r, 12), OptTime(r, 13), r.GetBoolean(14));

    public static AuditEntry Audit(NpgsqlDataReader r) => new(
        Time(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Str(r, 6), r.GetString(7));

    public static Job Job(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), Str(r, 3), r.GetInt32(4));

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset Time(NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    private static DateTimeOffset? OptTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);
}
