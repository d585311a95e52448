using System.Data.Common;
using Bot.Deployments.Store;
using Npgsql;

namespace Bot.Deployments.Postgres;

/// <summary>Statements in one transaction, or (no connection given) each on a pooled connection of its own.</summary>
internal sealed class PostgresSession(NpgsqlDataSource db, NpgsqlConnection? connection = null, NpgsqlTransaction? tx = null) : StoreSession(PostgresDialect.Instance)
{
    protected override DbCommand Command(string sql) =>
        connection is null ? db.CreateCommand(sql) : new NpgsqlCommand(sql, connection, tx);
}
