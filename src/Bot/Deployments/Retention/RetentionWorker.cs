using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Retention;

/// <summary>
/// Removes what <see cref="RetentionOptions"/> no longer keeps: soon after start, then every hour, in short steps of a
/// thousand rows so intake is never held up, then gives the freed pages back (SQLite). Of several processes one runs at
/// a time: its turn is a lease note in the store that it renews between steps and lets go when done.
/// </summary>
public sealed class RetentionWorker(
    RetentionOptions options, IDeploymentStore store, WorkerIdentity identity, TimeProvider time, ILogger<RetentionWorker> logger) : BackgroundService
{
    internal const string LeaseScope = "retention";
    internal const string LeaseKey = "prune";

    private readonly StoreLease _lease = new(store, LeaseScope, LeaseKey, identity.Id, options.Lease, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        try
        {
            await Task.Delay(options.FirstAfter, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try { await RunOnceAsync(stoppingToken).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning("Retention run failed: {Error}", e.Message); }
                await Task.Delay(options.Every, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { /* stopping */ }
    }

    /// <summary>One run; null when another process holds the turn.</summary>
    public async Task<RetentionRun?> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await HoldAsync(cancellationToken).ConfigureAwait(false)) return null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var now = time.GetUtcNow();
            var (lines, deployments, audit, pages) = (0L, 0L, 0L, 0L);
            if (options.Output is { } keep)
                while (true)
                {
                    var began = Stopwatch.GetTimestamp();
                    var step = await store.PruneOutputAsync(now - keep, options.OutputSetting, now, options.BatchRows, cancellationToken).ConfigureAwait(false);
                    (lines, deployments) = (lines + step.Lines, deployments + step.Deployments);
                    if (step is { Lines: 0, Deployments: 0 }) break;
                    await NextStepAsync(began, cancellationToken).ConfigureAwait(false);
                }
            if (options.Audit is { } keepAudit)
                while (true)
                {
                    var began = Stopwatch.GetTimestamp();
                    var removed = await store.PruneAuditAsync(now - keepAudit, options.BatchRows, cancellationToken).ConfigureAwait(false);
                    audit += removed;
                    if (removed < options.BatchRows) break;
                    await NextStepAsync(began, cancellationToken).ConfigureAwait(false);
                }
            if (lines + audit > 0)
                while (true)
                {
                    var began = Stopwatch.GetTimestamp();
                    if (await store.ReclaimSpaceAsync(options.ReclaimPages, cancellationToken).ConfigureAwait(false) is not (> 0 and var freed)) break;
                    pages += freed;
                    await NextStepAsync(began, cancellationToken).ConfigureAwait(false);
                }
            var run = new RetentionRun(lines, deployments, audit, pages);
            logger.LogInformation(
                "Retention: removed {Lines} output lines of {Deployments} deployments (Retention:Output = {Output}), {Audit} audit entries (Retention:Audit = {AuditSetting}), gave back {Pages} pages, in {Ms} ms",
                lines, deployments, options.OutputSetting, audit, options.Audit is null ? "kept" : Format(options.Audit.Value), pages,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return run;
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Between steps: leaves the writer to requests for a while (<see cref="RetentionOptions.WriterShare"/>), and keeps the turn.</summary>
    private async Task NextStepAsync(long began, CancellationToken cancellationToken)
    {
        var took = Stopwatch.GetElapsedTime(began);
        var pause = options.WriterShare is > 0 and < 1 ? took * (1 / options.WriterShare - 1) : TimeSpan.Zero;
        if (pause > TimeSpan.Zero) await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
        else await Task.Yield();
        if (!await HoldAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException("another process took over the retention run");
    }

    private static string Format(TimeSpan t) => t.TotalDays % 1 == 0 ? $"{t.TotalDays.ToString(CultureInfo.InvariantCulture)}d" : t.ToString();

    private Task<bool> HoldAsync(CancellationToken cancellationToken) => _lease.HoldAsync(cancellationToken);

    private Task ReleaseAsync() => _lease.ReleaseAsync();
}
