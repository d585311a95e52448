using System.Data.Common;

namespace Bot.Deployments.Store;

/// <summary>
/// What SQLite and PostgreSQL spell differently in the statements the stores share: how a time is kept,
/// and the row locks, ordering and announcements only PostgreSQL has. Everything else is one text for both.
/// </summary>
internal abstract class StoreDialect
{
    /// <summary>A time as this database keeps it (a parameter value).</summary>
    public abstract object TimeValue(DateTimeOffset time);

    public abstract DateTimeOffset Time(DbDataReader reader, int ordinal);

    public DateTimeOffset? OptTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    /// <summary>After a <c>SELECT</c> of rows to change: take them, passing over rows another transaction holds.</summary>
    public abstract string SkipLocked { get; }

    /// <summary>After a <c>SELECT</c> of a row to change: take it, waiting for another transaction that holds it.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// <c>id</c> among the ids a subquery gives, read one by one through the primary key (PostgreSQL: as an array, so
    /// the planner cannot prefer hashing the whole table for a few hundred ids).
    /// </summary>
    public abstract string IdIn(string ids);

    /// <summary>After a text column in <c>ORDER BY</c>: byte order, whatever the database's locale.</summary>
    public abstract string ByteOrder { get; }

    /// <summary>The next number of an app's deployments (parameter <c>@app</c>), taken so that two requests never share one.</summary>
    public abstract string NextNumber { get; }

    /// <summary>
    /// <see cref="EventSql.Append"/> as this database runs it: on PostgreSQL it also announces the event to
    /// followers in other processes, in the same statement.
    /// </summary>
    public abstract string AppendEvent { get; }
}
