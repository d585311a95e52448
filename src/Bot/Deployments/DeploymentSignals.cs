using Bot.Configuration;
using Bot.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments;

/// <summary>
/// What operators see of deployments: a log line (with its event id) and the counters of <see cref="BotMetrics"/> for
/// each state a deployment reaches, told once, by the process that made the change (<see cref="DeploymentFeed.Listen"/>,
/// as <see cref="Pushes.GitHubDeployments"/> hears it); and the gauges of what runs and waits, read from the store,
/// which every process shares.
/// </summary>
public sealed class DeploymentSignals(
    DeploymentFeed feed, IDeploymentStore store, AppCatalog apps, BotMetrics metrics, TimeProvider time, ILogger<DeploymentSignals> logger)
    : IHostedService
{
    /// <summary>How long one reading of the store serves the gauges: a scrape every second costs one query every few.</summary>
    public static readonly TimeSpan GaugesFresh = TimeSpan.FromSeconds(5);

    /// <summary>At most this many active deployments are counted (far more than any queue the bot should have).</summary>
    private const int ActiveLimit = 1000;

    private readonly SemaphoreSlim _reading = new(1, 1);
    private BotMetrics.ActiveCounts _active;
    private long _readAt = long.MinValue;
    private int _listening;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _listening, 1) == 0)
        {
            metrics.ReadActiveFrom(() => Volatile.Read(ref _readAt) == long.MinValue ? default : _active);
            feed.Listen(Heard);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads what runs and waits from the store, unless the last reading is fresh enough (the scrape awaits this first).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Fresh()) return;
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh()) return;
            var active = await store.ListAsync(null, null, ActiveLimit, activeOnly: true, cancellationToken).ConfigureAwait(false);
            _active = new BotMetrics.ActiveCounts(active.Count(d => d.State == DeploymentState.Running), active.Count(d => d.State == DeploymentState.Queued));
            Volatile.Write(ref _readAt, time.GetTimestamp());
        }
        finally { _reading.Release(); }
    }

    private bool Fresh() => Volatile.Read(ref _readAt) is var at && at != long.MinValue && time.GetElapsedTime(at) < GaugesFresh;

    private void Heard(FeedItem item)
    {
        if (item.Line.State is not { } state || state != item.Deployment.State) return;
        var d = item.Deployment;
        switch (state)
        {
            case DeploymentState.Queued:
                logger.DeploymentQueued(d.App, d.Number, d.Env, d.Verb, d.RefLabel);
                return;
            case DeploymentState.Running:
                logger.DeploymentStarted(d.App, d.Number, d.Env, d.Verb, d.RefLabel);
                if (d.Kind == DeploymentKind.Rollback) metrics.RolledBack(RollbackReason.Command);
                return;
            case DeploymentState.Succeeded:
                logger.DeploymentSucceeded(d.App, d.Number, d.Env, d.Elapsed(d.FinishedAt ?? time.GetUtcNow()).TotalSeconds);
                break;
            case DeploymentState.Failed or DeploymentState.Interrupted:
                logger.DeploymentFailed(d.App, d.Number, d.Env, StoreNames.Name(state));
                break;
            case DeploymentState.AwaitingApproval or DeploymentState.Waiting:
                return;
            default:
                logger.DeploymentEnded(d.App, d.Number, d.Env, StoreNames.Name(state));
                break;
        }
        // A one-off task is no deployment: it changes nothing that serves.
        if (d.Kind == DeploymentKind.Task) return;
        var ran = d.StartedAt is { } started && d.FinishedAt is { } finished ? finished - started : (TimeSpan?)null;
        metrics.DeploymentEnded(d.App, d.Env, apps.Find(d.App)?.Target ?? "unknown", StoreNames.Name(state), ran);
    }
}
