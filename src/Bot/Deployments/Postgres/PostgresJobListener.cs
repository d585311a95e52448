using Bot.Deployments.Pushes;
using Bot.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bot.Deployments.Postgres;

/// <summary>
/// Wakes this process's job worker when any process queues a job, and its deployment followers when any process
/// records an event: <c>LISTEN</c> on a connection of its own, a <see cref="JobSignal"/> pulse or a
/// <see cref="DeploymentFeed.Wake"/> per notification. A lost connection is opened again (with growing pauses);
/// a cancel asked for in any process reaches the job here within moments (<see cref="RunningJobs.Cancel"/>);
/// each (re)connection also pulses once, for work announced while nobody here listened. The worker's own
/// periodic look at the queue still runs, so this only makes pick-up faster; it is never the only path.
/// </summary>
public sealed class PostgresJobListener(
    PostgresDeploymentStore store, JobSignal signal, GateSignal gate, DeploymentFeed feed, RunningJobs running, Redactor redactor, TimeProvider time, ILogger<PostgresJobListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a notification before checking that the connection still answers.</summary>
    public TimeSpan Check { get; init; } = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == PostgresDeploymentStore.EventsChannel) feed.Wake();
                    else if (e.Channel == PostgresDeploymentStore.CancelsChannel)
                        running.Cancel(long.Parse(e.Payload, System.Globalization.CultureInfo.InvariantCulture));
                    else if (e.Payload.StartsWith(PostgresDeploymentStore.ChecksPrefix, StringComparison.Ordinal))
                        gate.ChecksChanged(e.Payload[PostgresDeploymentStore.ChecksPrefix.Length..]);
                    else
                    {
                        // A job queued, or a deployment that waits without the lock: the worker and the gate look.
                        signal.Pulse();
                        gate.Pulse();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresDeploymentStore.JobsChannel}; LISTEN {PostgresDeploymentStore.EventsChannel}; LISTEN {PostgresDeploymentStore.CancelsChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                retry = FirstRetry;
                signal.Pulse();
                feed.Wake();
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (await connection.WaitAsync(Check, stoppingToken).ConfigureAwait(false)) continue;
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                logger.LogWarning("Listening for queued jobs on PostgreSQL at {Where} failed ({Error}); trying again in {Retry} ms (the worker still looks for work on its own)",
                    store.Where, redactor.Redact(e.Message), (int)retry.TotalMilliseconds);
                try { await Task.Delay(retry, time, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }
}
