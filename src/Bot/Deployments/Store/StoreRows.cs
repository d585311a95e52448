using System.Data.Common;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>The column lists the stores select, and one reader per record for both databases.</summary>
internal static class StoreRows
{
    public const string DeploymentColumns =
        "id, app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, " +
        "state, created_at, started_at, finished_at, release, url, message, rollback_to, skip_checks, promote_from, via, " +
        "output_removed_at, output_retention";

    public const string LockColumns = "app, env, kind, holder_id, holder_name, reason, since, deployment_id";

    public const string EventColumns = "deployment_id, seq, at, kind, text";

    public const string AlertColumns =
        "id, source, app, env, severity, title, detail, link, dedupe_key, state, count, first_at, last_at, resolved_at, muted";

    public const string AuditColumns = "at, platform, conversation, user_id, user_name, command, app, result, person, outcome, env";

    public const string JobColumns = "id, kind, deployment_id, payload, attempts";

    public static Deployment Deployment(DbDataReader r, StoreDialect d) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), DeploymentKindOf(r.GetString(4)),
        Str(r, 5), Str(r, 6), Str(r, 7),
        new Origin(r.GetString(8), r.GetString(9), Str(r, 10), r.GetString(11), r.GetString(12)),
        StateOf(r.GetString(13)), d.Time(r, 14), d.OptTime(r, 15), d.OptTime(r, 16),
        Str(r, 17), Str(r, 18), Str(r, 19), Str(r, 20), r.GetBoolean(21)) { PromoteFrom = Str(r, 22), Via = Str(r, 23), OutputRemoved = Removal(r, d) };

    /// <summary>Shown only once every output line is gone (both columns set); a deployment that had none has no setting.</summary>
    private static OutputRemoval? Removal(DbDataReader r, StoreDialect d) =>
        r.IsDBNull(24) || r.IsDBNull(25) ? null : new OutputRemoval(d.Time(r, 24), r.GetString(25));

    public static LockInfo Lock(DbDataReader r, StoreDialect d) => new(
        r.GetString(0), r.GetString(1), LockKindOf(r.GetString(2)),
        r.GetString(3), r.GetString(4), Str(r, 5), d.Time(r, 6), OptLong(r, 7));

    public static StoryLine Line(DbDataReader r, StoreDialect d) =>
        StoryLine.Stored(r.GetInt64(0), r.GetInt64(1), d.Time(r, 2), LineKindOf(r.GetString(3)), r.GetString(4));

    public static StoredAlert Alert(DbDataReader r, StoreDialect d) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), SeverityOf(r.GetString(4)),
        r.GetString(5), Str(r, 6), Str(r, 7), r.GetString(8),
        r.GetString(9) == "resolved" ? AlertState.Resolved : AlertState.Firing, r.GetInt32(10),
        d.Time(r, 11), d.Time(r, 12), d.OptTime(r, 13), r.GetBoolean(14));

    public static AuditEntry Audit(DbDataReader r, StoreDialect d) => new(
        d.Time(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Str(r, 6), r.GetString(7))
    {
        Person = Str(r, 8), Outcome = Str(r, 9), Env = Str(r, 10),
    };

    public static Job Job(DbDataReader r, StoreDialect d) => new(
        r.GetInt64(0), r.GetString(1), OptLong(r, 2), Str(r, 3), r.GetInt32(4));

    public static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? OptLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
