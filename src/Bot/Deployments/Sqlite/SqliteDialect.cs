using System.Data.Common;
using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

/// <summary>
/// SQLite's side of the shared statements: times are Unix milliseconds, and there is nothing to lock row by row
/// (the one writer runs every write in turn) and no one in another process to announce to.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect() { }

    public override object TimeValue(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public override DateTimeOffset Time(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public override string SkipLocked => "";

    public override string IdIn(string ids) => $"id IN ({ids})";

    public override string ForUpdate => "";

    // BINARY, SQLite's default collation, is byte order already.
    public override string ByteOrder => "";

    // The writer runs one write at a time, so the largest number so far is the last one given.
    public override string NextNumber => "SELECT COALESCE(MAX(number), 0) + 1 FROM deployments WHERE app = @app";

    public override string AppendEvent => EventSql.Append;
}
