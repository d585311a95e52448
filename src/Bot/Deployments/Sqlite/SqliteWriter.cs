using System.Diagnostics;
using System.Threading.Channels;
using Bot.Deployments.Store;
using Microsoft.Data.Sqlite;

namespace Bot.Deployments.Sqlite;

/// <summary>
/// SQLite takes one writer at a time, so a process queues its writes to this single writer, which commits whatever
/// is waiting together (group commit): each write keeps its own all-or-nothing savepoint, and its caller hears back
/// only once it is committed. Beside it, the log is copied back into the database on a connection of its own.
/// </summary>
internal sealed class SqliteWriter(Func<CancellationToken, Task<SqliteConnection>> open, string walPath) : IDisposable
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan CheckpointCheck = TimeSpan.FromMilliseconds(200);
    private const long WalRestartBytes = 16L * 1024 * 1024;
    private const string Checkpoint = "PRAGMA wal_checkpoint(PASSIVE)";

    private readonly Channel<IWrite> _writes = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startGate = new();
    private readonly CancellationTokenSource _closing = new();
    private Task? _loop;
    private Task? _checkpoints;

    /// <summary>
    /// Queues <paramref name="work"/>, which runs inside a savepoint of the current batch transaction
    /// (<c>BEGIN IMMEDIATE</c>); completes after the batch is committed.
    /// </summary>
    /// <param name="singleStatement">The write is one statement, which SQLite already applies all or nothing: no savepoint needed.</param>
    public Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> work, CancellationToken cancellationToken, bool singleStatement = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work, singleStatement);
        if (!_writes.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteDeploymentStore));
        if (_loop is null)
            lock (_startGate) _loop ??= Task.Run(WriteLoopAsync);
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
                var session = new SqliteSession(connection, tx);
                foreach (var write in batch)
                    await write.RunAsync(session).ConfigureAwait(false);
                await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                foreach (var write in batch) write.Committed();
                // The log is copied back into the database beside the writer (CheckpointLoopAsync). Beside a steady
                // stream of writes that copy never quite catches up, so once the log is big the writer copies the last
                // few pages itself, after its callers have their answer; the next write then starts the log over.
                if (Stopwatch.GetElapsedTime(lastCheckpoint) >= CheckpointCheck)
                {
                    lastCheckpoint = Stopwatch.GetTimestamp();
                    if (new FileInfo(walPath).Exists && new FileInfo(walPath).Length > WalRestartBytes)
                        await new SqliteSession(connection, null).ExecAsync(Checkpoint, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // The batch as a whole did not commit: every write in it failed, and the next batch starts on a fresh connection.
                foreach (var write in batch) write.Failed(e);
                if (connection is not null) { SqliteSession.Forget(connection); connection.Dispose(); }
                connection = null;
            }
        }
        if (connection is not null) { SqliteSession.Forget(connection); connection.Dispose(); }
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = await open(CancellationToken.None).ConfigureAwait(false);
        // NORMAL: a commit survives a crash of the process (the WAL is on disk), not a power cut mid-checkpoint.
        // Checkpoints happen beside the writer and between its batches (see WriteLoopAsync), not inside a commit callers wait for.
        await new SqliteSession(connection, null).ExecAsync(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864; PRAGMA busy_timeout = 5000;",
            CancellationToken.None).ConfigureAwait(false);
        _checkpoints ??= Task.Run(CheckpointLoopAsync);
        return connection;
    }

    /// <summary>Copies the log back into the database continuously, on its own connection, never blocking the writer (PASSIVE).</summary>
    private async Task CheckpointLoopAsync()
    {
        await using var connection = await open(CancellationToken.None).ConfigureAwait(false);
        var session = new SqliteSession(connection, null);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                try { await session.ExecAsync(Checkpoint, _closing.Token).ConfigureAwait(false); }
                catch (SqliteException) { /* busy: the next tick tries again */ }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        SqliteSession.Forget(connection);
    }

    private interface IWrite
    {
        Task RunAsync(StoreSession session);
        void Committed();
        void Failed(Exception e);
    }

    /// <summary>One queued write: its own savepoint inside the batch, so a failing write undoes only itself.</summary>
    private sealed class Write<T>(Func<StoreSession, Task<T>> work, bool singleStatement) : IWrite
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync(StoreSession session)
        {
            if (singleStatement)
            {
                try { _result = await work(session).ConfigureAwait(false); }
                catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 }) { _error = e; }
                return;
            }
            await session.ExecAsync("SAVEPOINT w", CancellationToken.None).ConfigureAwait(false);
            try
            {
                _result = await work(session).ConfigureAwait(false);
                await session.ExecAsync("RELEASE w", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 })
            {
                // Disk I/O and "database full" end the whole batch (rethrown); anything else only this write.
                _error = e;
                await session.ExecAsync("ROLLBACK TO w; RELEASE w", CancellationToken.None).ConfigureAwait(false);
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
        try { _loop?.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { /* failures were handed to the writes' callers */ }
        try { _checkpoints?.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { /* it ends on cancellation */ }
    }
}
