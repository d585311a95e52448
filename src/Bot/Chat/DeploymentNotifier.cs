using Bot.Deployments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// Follows the deployment feed and shows each deployment's card in the conversation that asked for it,
/// through that conversation's platform. A platform failing never stops the deployment or the others.
/// </summary>
public sealed class DeploymentNotifier(
    DeploymentFeed feed,
    IEnumerable<IChatPlatform> platforms,
    IDeploymentStore store,
    TimeProvider time,
    ILogger<DeploymentNotifier> logger) : BackgroundService
{
    private readonly Dictionary<string, IChatPlatform> _platforms = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, Queue<string>> _recent = [];
    private readonly Dictionary<long, DeploymentState> _shown = [];
    private const int ShownKept = 4096;
    private DeploymentFeed.Subscription? _subscription;
    private volatile bool _busy;
    private TaskCompletionSource _idle = NewSignal();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Subscribes at once, so updates published before the host starts the loop are not missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription ??= feed.Subscribe();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = _subscription ??= feed.Subscribe();
        try
        {
            while (await subscription.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _busy = true;
                while (subscription.Reader.TryRead(out var update))
                    await ShowAsync(update, stoppingToken).ConfigureAwait(false);
                _busy = false;
                Interlocked.Exchange(ref _idle, NewSignal()).TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Deliver what is already queued (final states above all) before stopping.
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (subscription.Reader.TryRead(out var update))
                await ShowAsync(update, drain.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once every update published so far has been shown (tests; a clean shutdown).</summary>
    public async Task IdleAsync()
    {
        while (_busy || _subscription is { Reader.Count: > 0 })
            await Volatile.Read(ref _idle).Task.ConfigureAwait(false);
    }

    public async Task ShowAsync(DeploymentUpdate update, CancellationToken cancellationToken)
    {
        var d = update.Deployment;
        // A job can start the moment it is committed, so "running" may be published before the request that queued
        // it publishes "queued". A view older than the one already shown would turn the card back; it is left out.
        if (_shown.TryGetValue(d.Id, out var shown) && Stage(d.State) < Stage(shown)) return;
        if (_shown.Count >= ShownKept)
            foreach (var id in _shown.Where(s => Stage(s.Value) == 2).Select(s => s.Key).ToList()) _shown.Remove(id);
        _shown[d.Id] = d.State;
        var recent = await RecentAsync(d, update.Event, cancellationToken).ConfigureAwait(false);
        if (!_platforms.TryGetValue(d.Origin.Platform, out var platform))
        {
            logger.LogDebug("No {Platform} platform here to show {App} #{Number}", d.Origin.Platform, d.App, d.Number);
            return;
        }
        try
        {
            await platform.ShowDeploymentAsync(new DeploymentCard(d, recent, time.GetUtcNow()), update.Event, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not show {App} #{Number} on {Platform}", d.App, d.Number, platform.Name);
        }
        if (d.IsFinished) _recent.Remove(d.Id);
    }

    private static int Stage(DeploymentState state) => state switch { DeploymentState.Queued => 0, DeploymentState.Running => 1, _ => 2 };

    /// <summary>The last output lines of a deployment, kept here as they pass (read from the store the first time).</summary>
    private async Task<IReadOnlyList<string>> RecentAsync(Deployment d, DeploymentEvent e, CancellationToken cancellationToken)
    {
        if (!_recent.TryGetValue(d.Id, out var lines))
        {
            lines = new Queue<string>();
            if (e.Seq > 0)
                foreach (var old in await store.TailAsync(d.Id, DeploymentCard.RecentLineCount, cancellationToken).ConfigureAwait(false))
                    if (old.Seq < e.Seq) lines.Enqueue(old.Text);
            _recent[d.Id] = lines;
        }
        if (e.Kind is EventKind.Output or EventKind.ErrorOutput)
        {
            lines.Enqueue(e.Text);
            while (lines.Count > DeploymentCard.RecentLineCount) lines.Dequeue();
        }
        return lines.ToArray();
    }
}
