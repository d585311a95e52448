using Microsoft.Data.Sqlite;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Sqlite;

/// <summary>Column lists and row readers shared by the store's queries.</summary>
internal static class SqliteRows
{
    public const string DeploymentColumns =
        "id, app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, " +
        "state, created_at, started_at, finished_at, release, url, message, rollback_to, skip_checks";

    public const string LockColumns = "app, env, kind, holder_id, holder_name, reason, since, deployment_id";

    public static Deployment Deployment(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), DeploymentKindOf(r.GetString(4)),
        Str(r, 5), Str(r, 6), Str(r, 7),
        new Origin(r.GetString(8), r.GetString(9), Str(r, 10), r.GetString(11), r.GetString(12)),
        StateOf(r.GetString(13)), Time(r.GetInt64(14)), OptTime(r, 15), OptTime(r, 16),
        Str(r, 17), Str(r, 18), Str(r, 19), Str(r, 20), r.GetInt64(21) != 0);

    public static LockInfo Lock(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), LockKindOf(r.GetString(2)),
        r.GetString(3), r.GetString(4), Str(r, 5), Time(r.GetInt64(6)), r.IsDBNull(7) ? null : r.GetInt64(7));

    public static DeploymentEvent Event(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), Time(r.GetInt64(2)), EventKindOf(r.GetString(3)), r.GetString(4));

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? OptTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));
}
