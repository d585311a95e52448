using System.Data.Common;
using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

/// <summary>
/// PostgreSQL's side of the shared statements: times are <c>timestamptz</c>, rows several processes may change at
/// once are locked (<c>FOR UPDATE</c>, <c>SKIP LOCKED</c>), numbers come from a counter row, and every event
/// recorded is announced with <c>NOTIFY</c> to the followers in other processes.
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    public static readonly PostgresDialect Instance = new();

    private PostgresDialect() { }

    // timestamptz takes UTC only.
    public override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset Time(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public override string IdIn(string ids) => $"id = ANY (ARRAY({ids}))";

    public override string ForUpdate => " FOR UPDATE";

    public override string ByteOrder => " COLLATE \"C\"";

    // The counter row stays locked until commit, so requests for one app take their numbers one after another.
    public override string NextNumber => """
        INSERT INTO app_numbers (app, last) VALUES (@app, 1)
        ON CONFLICT (app) DO UPDATE SET last = app_numbers.last + 1
        RETURNING last
        """;

    // One statement that also announces the event (delivered at commit), so followers in other processes read it at once.
    public override string AppendEvent { get; } =
        $"WITH added AS ({EventSql.Append}) SELECT seq FROM added CROSS JOIN pg_notify('{PostgresDeploymentStore.EventsChannel}', @id::text)";
}
