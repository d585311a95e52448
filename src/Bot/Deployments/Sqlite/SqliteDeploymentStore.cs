using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>
/// The default store: one SQLite file in WAL mode. SQLite takes one writer at a time, so this process
/// queues its writes to a single writer that commits whatever is waiting together (group commit): each
/// write keeps its own all-or-nothing savepoint, and its caller hears back only once it is committed.
/// Reads run side by side on a few kept connections. Statements are prepared once per connection.
/// </summary>
public sealed partial class SqliteDeploymentStore : IDeploymentStore, IDisposable
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan CheckpointCheck = TimeSpan.FromMilliseconds(200);
    private const long WalRestartBytes = 16L * 1024 * 1024;
    private readonly string _walPath;
    private readonly CancellationTokenSource _closing = new();
    private Task? _checkpoints;

    private readonly string _connectionString;
    private readonly Channel<IWrite> _writes = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startGate = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> _readers = [];

    /// <summary>A few readers are plenty (reads are short, cores are few); each holds its own page cache and statements.</summary>
    private readonly SemaphoreSlim _readerSlots = new(Math.Clamp(Environment.ProcessorCount * 2, 2, 8));
    private Task? _writer;

    public SqliteDeploymentStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _walPath = Path.GetFullPath(path) + "-wal";
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        foreach (var (version, sql) in SqliteSchema.Steps)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var current = Convert.ToInt32(await ScalarAsync(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false));
            if (current >= version) continue;
            await ExecAsync(connection, tx, sql, cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, $"INSERT INTO schema_version (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        Forget(connection);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(async c => await ScalarAsync(c, null, "SELECT MAX(version) FROM schema_version", cancellationToken).ConfigureAwait(false) is long,
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c>; "ok" when the file is sound.</summary>
    public async Task<string> IntegrityCheckAsync(CancellationToken cancellationToken) =>
        (string)(await ReadAsync(c => ScalarAsync(c, null, "PRAGMA integrity_check", cancellationToken), cancellationToken).ConfigureAwait(false))!;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> on a kept reader connection (one caller at a time per connection).</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _readerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            if (!_readers.TryTake(out connection))
            {
                connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await ExecAsync(connection, null, "PRAGMA cache_size = -1024; PRAGMA busy_timeout = 5000;", cancellationToken).ConfigureAwait(false);
            }
            var result = await work(connection).ConfigureAwait(false);
            _readers.Add(connection);
            return result;
        }
        catch
        {
            if (connection is not null) { Forget(connection); connection.Dispose(); }
            throw;
        }
        finally
        {
            _readerSlots.Release();
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> for the writer, which runs it inside a savepoint of the current batch
    /// transaction (<c>BEGIN IMMEDIATE</c>); completes after the batch is committed.
    /// </summary>
    /// <param name="singleStatement">The write is one statement, which SQLite already applies all or nothing: no savepoint needed.</param>
    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, bool singleStatement = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work, singleStatement);
        if (!_writes.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteDeploymentStore));
        if (_writer is null)
            lock (_startGate) _writer ??= Task.Run(WriteLoopAsync);
        return write.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        SqliteConnection? connection = null;
        var batch = new List<IWrite>(MaxBatch);
        var lastCheckpoint = Stopwatch.GetTimestamp();
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                connection ??= await OpenWriterAsync().ConfigureAwait(false);
                await using var tx = connection.BeginTransaction(deferred: false);
                foreach (var write in batch)
                    await write.RunAsync(connection, tx).ConfigureAwait(false);
                await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                foreach (var write in batch) write.Committed();
                // The log is copied back into the database beside the writer (CheckpointLoopAsync). Beside a steady
                // stream of writes that copy never quite catches up, so once the log is big the writer copies the last
                // few pages itself, after its callers have their answer; the next write then starts the log over.
                if (Stopwatch.GetElapsedTime(lastCheckpoint) >= CheckpointCheck)
                {
                    lastCheckpoint = Stopwatch.GetTimestamp();
                    if (new FileInfo(_walPath).Exists && new FileInfo(_walPath).Length > WalRestartBytes)
                        await ExecAsync(connection, null, "PRAGMA wal_checkpoint(PASSIVE)", CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // The batch as a whole did not commit: every write in it failed, and the next batch starts on a fresh connection.
                foreach (var write in batch) write.Failed(e);
                if (connection is not null) { Forget(connection); connection.Dispose(); }
                connection = null;
            }
        }
        if (connection is not null) { Forget(connection); connection.Dispose(); }
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        // NORMAL: a commit survives a crash of the process (the WAL is on disk), not a power cut mid-checkpoint.
        // Checkpoints happen beside the writer and between its batches (see WriteLoopAsync), not inside a commit callers wait for.
        await ExecAsync(connection, null, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864; PRAGMA busy_timeout = 5000;",
            CancellationToken.None).ConfigureAwait(false);
        _checkpoints ??= Task.Run(CheckpointLoopAsync);
        return connection;
    }

    /// <summary>Copies the log back into the database continuously, on its own connection, never blocking the writer (PASSIVE).</summary>
    private async Task CheckpointLoopAsync()
    {
        await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                try { await ExecAsync(connection, null, "PRAGMA wal_checkpoint(PASSIVE)", _closing.Token).ConfigureAwait(false); }
                catch (SqliteException) { /* busy: the next tick tries again */ }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        Forget(connection);
    }

    private interface IWrite
    {
        Task RunAsync(SqliteConnection connection, SqliteTransaction tx);
        void Committed();
        void Failed(Exception e);
    }

    /// <summary>One queued write: its own savepoint inside the batch, so a failing write undoes only itself.</summary>
    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, bool singleStatement) : IWrite
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync(SqliteConnection connection, SqliteTransaction tx)
        {
            if (singleStatement)
            {
                try { _result = await work(connection, tx).ConfigureAwait(false); }
                catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 }) { _error = e; }
                return;
            }
            await ExecAsync(connection, tx, "SAVEPOINT w", CancellationToken.None).ConfigureAwait(false);
            try
            {
                _result = await work(connection, tx).ConfigureAwait(false);
                await ExecAsync(connection, tx, "RELEASE w", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 })
            {
                // Disk I/O and "database full" end the whole batch (rethrown); anything else only this write.
                _error = e;
                await ExecAsync(connection, tx, "ROLLBACK TO w; RELEASE w", CancellationToken.None).ConfigureAwait(false);
            }
        }

        public void Committed()
        {
            if (_error is not null) Completion.TrySetException(_error);
            else Completion.TrySetResult(_result!);
        }

        public void Failed(Exception e) => Completion.TrySetException(e);
    }

    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _closing.Cancel();
        try { _writer?.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { /* failures were handed to the writes' callers */ }
        try { _checkpoints?.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { /* it ends on cancellation */ }
        while (_readers.TryTake(out var reader)) { Forget(reader); reader.Dispose(); }
    }

    /// <summary>A command for this connection, prepared on first use and kept; parameters are set fresh each time.</summary>
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cache = Statements.GetOrCreateValue(connection);
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            if (cache.Count < 200) cache[sql] = command;
        }
        command.Transaction = tx;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Statements = new();

    private static void Forget(SqliteConnection connection)
    {
        if (!Statements.TryGetValue(connection, out var cache)) return;
        foreach (var command in cache.Values) command.Dispose();
        Statements.Remove(connection);
    }

    private static async Task<int> ExecAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await Command(connection, tx, sql, parameters).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var value = await Command(connection, tx, sql, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static async Task<List<T>> QueryAsync<T>(
        SqliteConnection connection, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var reader = await Command(connection, tx, sql, parameters).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(map(reader));
        return rows;
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
