using System.Data.Common;

namespace Bot.Deployments.Store;

/// <summary>
/// One store's way to run a statement: on a connection (and its transaction, if any) or, on PostgreSQL, on a
/// pooled connection per statement. Parameters are <c>(name, value)</c> pairs named without a prefix and written
/// <c>@name</c> in the text, which both databases read; a time is stored as its dialect keeps times.
/// </summary>
internal abstract class StoreSession(StoreDialect dialect)
{
    public StoreDialect Dialect { get; } = dialect;

    /// <summary>A command for <paramref name="sql"/> with no parameters yet.</summary>
    protected abstract DbCommand Command(string sql);

    /// <summary>Called when a command has run: disposes it, unless the session keeps its commands prepared.</summary>
    protected virtual ValueTask DoneAsync(DbCommand command) => command.DisposeAsync();

    public async Task<int> ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Bind(sql, parameters);
        try { return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false); }
        finally { await DoneAsync(command).ConfigureAwait(false); }
    }

    /// <summary>The first column of the first row, or the default when there is no row or it is null.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Bind(sql, parameters);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false)
                ? reader.GetFieldValue<T>(0)
                : default;
        }
        finally { await DoneAsync(command).ConfigureAwait(false); }
    }

    public async Task<List<T>> QueryAsync<T>(
        string sql, Func<DbDataReader, StoreDialect, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Bind(sql, parameters);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                rows.Add(map(reader, Dialect));
            return rows;
        }
        finally { await DoneAsync(command).ConfigureAwait(false); }
    }

    public async Task<T?> FirstAsync<T>(
        string sql, Func<DbDataReader, StoreDialect, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        (await QueryAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false)).FirstOrDefault();

    private DbCommand Bind(string sql, (string Name, object? Value)[] parameters)
    {
        var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                DateTimeOffset time => Dialect.TimeValue(time),
                _ => value,
            };
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
