using Bot.Deployments.Store;
using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>
/// The default store: one SQLite file in WAL mode. Writes go through this process's one <see cref="SqliteWriter"/>;
/// reads run side by side on a few kept connections. Statements are prepared once per connection.
/// The steps are those both stores share (<see cref="SqlDeploymentStore"/>, in <see cref="SqliteDialect"/>'s spelling).
/// </summary>
public sealed partial class SqliteDeploymentStore : SqlDeploymentStore, IDisposable
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly SqliteWriter _writer;
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> _readers = [];

    /// <summary>A few readers are plenty (reads are short, cores are few); each holds its own page cache and statements.</summary>
    private readonly SemaphoreSlim _readerSlots = new(Math.Clamp(Environment.ProcessorCount * 2, 2, 8));

    public SqliteDeploymentStore(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteWriter(OpenAsync, Path.GetFullPath(path) + "-wal");
    }

    /// <summary>
    /// Applies every step the file lacks in one transaction: a new store is created whole with one commit (one sync of
    /// the log, not one per step), an old one is brought up to date all or nothing, and an up-to-date one writes nothing.
    /// The write lock is taken first, so two processes starting on one new file never both apply a step.
    /// </summary>
    public override Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(SqliteSchema.Steps.Length, cancellationToken);

    /// <summary>Migrates up to the first <paramref name="steps"/> steps (tests build an older store with it).</summary>
    internal async Task MigrateAsync(int steps, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Before the first table: a new file gives pages freed by retention back a little at a time (ReclaimSpaceAsync).
            await new SqliteSession(connection, null).ExecAsync("PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            await using var tx = connection.BeginTransaction(deferred: false);
            var db = new SqliteSession(connection, tx);
            await db.ExecAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
            var current = await db.ScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false);
            foreach (var (version, sql) in SqliteSchema.Steps.Take(steps))
            {
                if (current >= version) continue;
                await db.ExecAsync(sql, cancellationToken).ConfigureAwait(false);
                await db.ExecAsync("INSERT INTO schema_version (version) VALUES (@version)", cancellationToken, ("version", version)).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            await SwitchToIncrementalAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SqliteSession.Forget(connection);
        }
    }

    public override async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(db => db.ScalarAsync<long>("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c>; "ok" when the file is sound.</summary>
    public async Task<string> IntegrityCheckAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(db => db.ScalarAsync<string>("PRAGMA integrity_check", cancellationToken), cancellationToken).ConfigureAwait(false))!;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> on a kept reader connection (one caller at a time per connection).</summary>
    private protected override async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await _readerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            if (!_readers.TryTake(out connection))
            {
                connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await new SqliteSession(connection, null).ExecAsync("PRAGMA cache_size = -1024; PRAGMA busy_timeout = 5000;", cancellationToken).ConfigureAwait(false);
            }
            var result = await work(new SqliteSession(connection, null)).ConfigureAwait(false);
            _readers.Add(connection);
            return result;
        }
        catch
        {
            if (connection is not null) { SqliteSession.Forget(connection); connection.Dispose(); }
            throw;
        }
        finally
        {
            _readerSlots.Release();
        }
    }

    /// <summary>Queued for the writer without a savepoint of its own (<see cref="SqliteWriter.WriteAsync"/>).</summary>
    private protected override Task<T> WriteOneAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        _writer.WriteAsync(work, cancellationToken, singleStatement: true);

    /// <summary>Queued for the writer, in a savepoint of its own; the one writer runs it whole before the next write.</summary>
    private protected override Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken) =>
        _writer.WriteAsync(work, cancellationToken);

    public void Dispose()
    {
        _writer.Dispose();
        while (_readers.TryTake(out var reader)) { SqliteSession.Forget(reader); reader.Dispose(); }
    }
}
