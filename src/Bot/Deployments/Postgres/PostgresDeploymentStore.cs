using System.Net.Sockets;
using Bot.Configuration;
using Bot.Security;
using Npgsql;

namespace Bot.Deployments.Postgres;

/// <summary>
/// The store for several processes on one PostgreSQL database (<c>DATABASE_URL</c>): <c>serve</c> replicas and
/// <c>worker</c>s share it, and nothing one of them needs lives only in another's memory. Each write is one
/// READ COMMITTED transaction; jobs are claimed with <c>FOR UPDATE SKIP LOCKED</c>, app/env locks and delivery
/// ids are unique rows, and a queued job is announced with <c>NOTIFY</c> (<see cref="PostgresJobListener"/>).
/// </summary>
public sealed partial class PostgresDeploymentStore : IDeploymentStore, IAsyncDisposable, IDisposable
{
    /// <summary>The channel a commit that queues a job notifies; its payload is the job id.</summary>
    public const string JobsChannel = "deploybot_jobs";

    /// <summary>Every deployment event recorded is announced here with its deployment's id (<see cref="DeploymentFeed.FollowAsync"/>).</summary>
    public const string EventsChannel = "deploybot_events";

    /// <summary>The advisory lock that orders manual locks and freezes against enqueues (any fixed number of ours).</summary>
    private const long LocksGate = 0x6465706c6f79;

    private const int MaxAttempts = 5;
    private readonly NpgsqlDataSource _db;

    public PostgresDeploymentStore(string connectionString)
    {
        // The slim builder keeps the AOT binary small; TLS is opted in because hosted databases require it.
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.EnableTransportSecurity();
        _db = builder.Build();
        Where = PostgresUrl.Describe(connectionString);
    }

    /// <summary>From a <c>postgres://</c> URL; a malformed one throws a <see cref="ConfigException"/> that names DATABASE_URL.</summary>
    public static PostgresDeploymentStore FromUrl(string url) => new(PostgresUrl.ToConnectionString(url));

    /// <summary><c>host:port/database</c>, never the user or password.</summary>
    public string Where { get; }

    internal NpgsqlDataSource DataSource => _db;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InTransactionAsync(async (c, tx) =>
            {
                await ExecAsync(c, tx, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, P("key", PostgresSchema.MigrationLock)).ConfigureAwait(false);
                await ExecAsync(c, tx, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
                var current = await ScalarAsync<int>(c, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false);
                foreach (var (version, sql) in PostgresSchema.Steps.Where(s => s.Version > current))
                {
                    await ExecAsync(c, tx, sql, cancellationToken).ConfigureAwait(false);
                    await ExecAsync(c, tx, "INSERT INTO schema_version (version) VALUES (@version)", cancellationToken, P("version", version)).ConfigureAwait(false);
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            // Startup stops with one line naming the key; the message carries no password (and passes the redactor anyway).
            throw new ConfigException(PostgresUrl.Key, $"could not open the PostgreSQL database at {Where}: {Redactor.Default.Redact(e.Message)}");
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ScalarAsync<int>(null, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return false;
        }
    }

    private static bool IsUnreachable(Exception e) => e is NpgsqlException or TimeoutException or SocketException;

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; a deadlock or serialization failure runs it again
    /// from the start. An exception rolls everything back.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Another transaction won; this one was rolled back whole and runs again.
            }
        }
    }

    /// <summary>A command on <paramref name="connection"/>, or on a pooled connection of its own when null (single statements).</summary>
    private NpgsqlCommand Command(NpgsqlConnection? connection, NpgsqlTransaction? tx, string sql, NpgsqlParameter[] parameters)
    {
        var command = connection is null ? _db.CreateCommand(sql) : new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private async Task<int> ExecAsync(NpgsqlConnection? c, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T?> ScalarAsync<T>(NpgsqlConnection? c, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false)
            ? reader.GetFieldValue<T>(0)
            : default;
    }

    private async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection? c, NpgsqlTransaction? tx, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(c, tx, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(map(reader));
        return rows;
    }

    private static NpgsqlParameter P<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    /// <summary>A time parameter: <c>timestamptz</c> takes UTC only.</summary>
    private static NpgsqlParameter At(string name, DateTimeOffset value) => new NpgsqlParameter<DateTimeOffset>(name, value.ToUniversalTime());

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    public void Dispose() => _db.Dispose();
}
