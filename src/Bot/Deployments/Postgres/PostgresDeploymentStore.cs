using System.Net.Sockets;
using Bot.Configuration;
using Bot.Deployments.Store;
using Bot.Security;
using Npgsql;

namespace Bot.Deployments.Postgres;

/// <summary>
/// The store for several processes on one PostgreSQL database (<c>DATABASE_URL</c>): <c>serve</c> replicas and
/// <c>worker</c>s share it, and nothing one of them needs lives only in another's memory. Each write is one
/// READ COMMITTED transaction; jobs are claimed with <c>FOR UPDATE SKIP LOCKED</c>, app/env locks and delivery
/// ids are unique rows, and a queued job is announced with <c>NOTIFY</c> (<see cref="PostgresJobListener"/>).
/// The steps are those both stores share (<see cref="SqlDeploymentStore"/>, in <see cref="PostgresDialect"/>'s
/// spelling); what only several processes need is in <c>PostgresDeploymentStore.Locking.cs</c>.
/// </summary>
public sealed partial class PostgresDeploymentStore : SqlDeploymentStore, IAsyncDisposable, IDisposable
{
    /// <summary>The channel a commit that queues a job notifies; its payload is the job id.</summary>
    public const string JobsChannel = "deploybot_jobs";

    /// <summary>Every deployment event recorded is announced here with its deployment's id (<see cref="DeploymentFeed.FollowAsync"/>).</summary>
    public const string EventsChannel = "deploybot_events";

    /// <summary>Carries the id of a deployment whose cancel was asked for while it runs (<see cref="PostgresJobListener"/>).</summary>
    public const string CancelsChannel = "deploybot_cancels";

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
        Single = new PostgresSession(_db);
    }

    /// <summary>From a <c>postgres://</c> URL; a malformed one throws a <see cref="ConfigException"/> that names DATABASE_URL.</summary>
    public static PostgresDeploymentStore FromUrl(string url) => new(PostgresUrl.ToConnectionString(url));

    /// <summary><c>host:port/database</c>, never the user or password.</summary>
    public string Where { get; }

    internal NpgsqlDataSource DataSource => _db;

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InTransactionAsync(async db =>
            {
                await db.ExecAsync("SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", PostgresSchema.MigrationLock)).ConfigureAwait(false);
                await db.ExecAsync("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
                var current = await db.ScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false);
                foreach (var (version, sql) in PostgresSchema.Steps.Where(s => s.Version > current))
                {
                    await db.ExecAsync(sql, cancellationToken).ConfigureAwait(false);
                    await db.ExecAsync("INSERT INTO schema_version (version) VALUES (@version)", cancellationToken, ("version", version)).ConfigureAwait(false);
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

    public override async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Single.ScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return false;
        }
    }

    private static bool IsUnreachable(Exception e) => e is NpgsqlException or TimeoutException or SocketException;

    /// <summary>Statements that stand alone, each on a pooled connection of its own.</summary>
    private StoreSession Single { get; }

    private protected override Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken) => work(Single);

    private protected override Task<T> WriteOneAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken) => work(Single);

    private protected override Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken) => InTransactionAsync(work, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; a deadlock or serialization failure runs it again
    /// from the start. An exception rolls everything back.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(new PostgresSession(_db, connection, tx)).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Another transaction won; this one was rolled back whole and runs again.
            }
        }
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    public void Dispose() => _db.Dispose();
}
