using System.Data.Common;
using System.Runtime.CompilerServices;
using Bot.Deployments.Store;
using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>Statements on one SQLite connection (inside the writer's transaction, or on a reader), each prepared on first use and kept.</summary>
internal sealed class SqliteSession(SqliteConnection connection, SqliteTransaction? tx) : StoreSession(SqliteDialect.Instance)
{
    private const int MaxKept = 200;
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Statements = new();

    protected override DbCommand Command(string sql)
    {
        var cache = Statements.GetOrCreateValue(connection);
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            if (cache.Count < MaxKept) cache[sql] = command;
        }
        command.Transaction = tx;
        command.Parameters.Clear();
        return command;
    }

    protected override ValueTask DoneAsync(DbCommand command) =>
        Statements.TryGetValue(connection, out var cache) && cache.TryGetValue(command.CommandText, out var kept) && kept == command
            ? ValueTask.CompletedTask
            : command.DisposeAsync();

    /// <summary>Disposes the statements kept for <paramref name="c"/>: before it is closed or dropped.</summary>
    public static void Forget(SqliteConnection c)
    {
        if (!Statements.TryGetValue(c, out var cache)) return;
        foreach (var command in cache.Values) command.Dispose();
        Statements.Remove(c);
    }
}
