using System.Collections.Concurrent;
using System.Globalization;
using Bot.Deployments;
using Bot.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// Keeps each deployment's card (<see cref="LiveCard"/>) in the conversation that asked for it, whichever process runs
/// the job. Of the processes that hear of a deployment (the one that took the command, the one that runs it, one that
/// recovers it) exactly one follows it: the first to claim it in the store. The claim says so until the card's end has
/// been delivered; a claim left by a process that is gone, or let go at its shutdown, is taken over by the next sweep,
/// so a card reaches its final state whichever processes die, even in the moment between the end and its last edit.
/// </summary>
public sealed partial class DeploymentCards(
    DeploymentFeed feed, IEnumerable<IChatPlatform> platforms, IDeploymentStore store, WorkerIdentity identity, WorkerOptions options,
    AlertRouter alerts, BackgroundWork background, TimeProvider time, ILogger<DeploymentCards> logger, LogLinks links) : BackgroundService
{
    public const string FollowerNote = "follower";

    /// <summary>What the follower claim says once the card's end has been delivered: nobody needs to follow it again.</summary>
    public const string Delivered = "delivered";

    /// <summary>How often a running card is drawn again where that is free, so its elapsed times move on without output.</summary>
    public static readonly TimeSpan RedrawEvery = TimeSpan.FromSeconds(5);

    /// <summary>How often the claims of cards not yet at their end are looked over for a follower that is gone.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, IChatPlatform> _platforms = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, Following> _cards = new();
    private DeploymentFeed.Subscription? _subscription;
    private volatile bool _busy;
    private TaskCompletionSource _progress = NewSignal();

    private sealed record Following(LiveCard Card, CancellationTokenSource Stop)
    {
        public Task Task { get; set; } = Task.CompletedTask;

        /// <summary>Set once its end has been handed to the alerts (a failure is announced), so idle waits for that too.</summary>
        public volatile bool Announced;
    }

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
        var sweeping = SweepAsync(stoppingToken);
        try
        {
            while (await subscription.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _busy = true;
                while (subscription.Reader.TryRead(out var update))
                    await HeardAsync(update, stoppingToken).ConfigureAwait(false);
                _busy = false;
                Progressed();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await StopFollowingAsync(subscription).ConfigureAwait(false);
        }
        await sweeping.ConfigureAwait(false);
    }

    /// <summary>
    /// Shutting down: what this process ended itself (interrupted jobs) is shown first; the cards of deployments still
    /// going elsewhere are let go in the store, so a live process takes them over.
    /// </summary>
    private async Task StopFollowingAsync(DeploymentFeed.Subscription subscription)
    {
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            while (subscription.Reader.TryRead(out var update))
                await HeardAsync(update, drain.Token).ConfigureAwait(false);
            foreach (var (id, following) in _cards)
            {
                if (await store.GetAsync(id, drain.Token).ConfigureAwait(false) is { IsFinished: true }) continue;
                await following.Stop.CancelAsync().ConfigureAwait(false);
                await store.ClaimNoteAsync(FollowerNote, Key(id), "", identity.Id, time.GetUtcNow(), drain.Token).ConfigureAwait(false);
            }
            await Task.WhenAll(_cards.Values.Select(f => f.Task)).WaitAsync(drain.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Stopping: not every deployment card could be brought up to date ({Error})", e.Message);
        }
    }

    /// <summary>This process queued, started, ended or recovered a deployment (a state line): follow it, unless another process does.</summary>
    private async Task HeardAsync(FeedItem update, CancellationToken cancellationToken)
    {
        var d = update.Deployment;
        if (update.Line.State is null || !_platforms.TryGetValue(d.Origin.Platform, out var platform) || _cards.ContainsKey(d.Id)) return;
        bool mine;
        // A store that cannot answer the claim right now must not cost the card its story: this process heard of the
        // deployment itself, so it follows it (at worst two processes edit one card, whose message is claimed anyway).
        try { mine = await ClaimAsync(d.Id, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not claim {App} #{Number} in the store ({Error}); following it here", d.App, d.Number, e.Message);
            mine = true;
        }
        if (mine) Follow(d.Id, platform, update);
    }

    private async Task<bool> ClaimAsync(long id, CancellationToken cancellationToken)
    {
        var holder = await store.ClaimNoteAsync(FollowerNote, Key(id), identity.Id, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (holder != identity.Id && (holder.Length == 0 || identity.IsGone(holder)))
            holder = await store.ClaimNoteAsync(FollowerNote, Key(id), identity.Id, holder, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return holder == identity.Id;
    }

    /// <summary>Starts the card's loop: what this process knows shown at once ("queued" before a worker can start it), then the store's story.</summary>
    private void Follow(long id, IChatPlatform platform, FeedItem? first, long afterSeq = 0)
    {
        var following = new Following(new LiveCard(id, platform, feed, store, links, time, logger), new CancellationTokenSource());
        if (!_cards.TryAdd(id, following)) return;
        following.Task = Task.Run(async () =>
        {
            var card = following.Card;
            try
            {
                if (first is not null) await card.ShowAsync(first, following.Stop.Token).ConfigureAwait(false);
                if (card.Last is not { IsFinished: true }) await card.FollowAsync(first?.Line.Seq ?? afterSeq, following.Stop.Token).ConfigureAwait(false);
                if (card.Last is { IsFinished: true } end)
                {
                    Announce(end);
                    following.Announced = true;
                    await platform.CardDeliveredAsync(end).WaitAsync(following.Stop.Token).ConfigureAwait(false);
                    await store.SetNoteAsync(FollowerNote, Key(id), Delivered, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (following.Stop.IsCancellationRequested) { /* shutting down */ }
            catch (Exception e) { logger.LogWarning("Following #{Id} stopped: {Error}", id, e.Message); }
            finally
            {
                _cards.TryRemove(id, out _);
                Progressed();
            }
        });
    }

    /// <summary>Shows one deployment from its current state to its end, here and unclaimed; returns how it ended (the console's <c>send</c>).</summary>
    public async Task<Deployment?> FollowToEndAsync(long id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } d || !_platforms.TryGetValue(d.Origin.Platform, out var platform)) return null;
        var card = new LiveCard(id, platform, feed, store, links, time, logger);
        var end = await card.FollowAsync(0, cancellationToken).ConfigureAwait(false);
        if (end is not null) Announce(end);
        return end;
    }

    /// <summary>Shows one moment of a deployment this process does not follow (what a crashed console run left behind).</summary>
    public Task ShowOnceAsync(FeedItem update, CancellationToken cancellationToken) =>
        _platforms.TryGetValue(update.Deployment.Origin.Platform, out var platform)
            ? new LiveCard(update.Deployment.Id, platform, feed, store, links, time, logger).ShowAsync(update, cancellationToken)
            : Task.CompletedTask;

    /// <summary>The bot's own failures are alerts too, announced once: by the process that follows the deployment.</summary>
    private void Announce(Deployment d)
    {
        if (d.State is DeploymentState.Failed or DeploymentState.Interrupted)
            background.Run($"Announcing {d.App} #{d.Number}", () => alerts.AnnounceAsync(d, CancellationToken.None));
    }

    /// <summary>
    /// Completes once every update heard so far, and every line recorded for what this process follows, has been shown,
    /// and the platforms have sent what is due now (what waits for a slot or a pause on the clock still waits).
    /// </summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            // A card shown at its end but whose end is not yet announced is still work: the alert comes next.
            if (!_busy && _subscription is not { Reader.Count: > 0 } && !_cards.Values.Any(f => f.Card.Last is { IsFinished: true } && !f.Announced)
                && await CaughtUpAsync().ConfigureAwait(false))
            {
                await Task.WhenAll(_platforms.Values.Select(p => p.IdleAsync())).ConfigureAwait(false);
                if (await CaughtUpAsync().ConfigureAwait(false)) return;
            }
            await Task.WhenAny(progress, Task.Delay(50)).ConfigureAwait(false);
        }
    }

    private async Task<bool> CaughtUpAsync()
    {
        foreach (var (id, following) in _cards)
            if ((await store.EventsAsync(id, following.Card.Seen, 1, CancellationToken.None).ConfigureAwait(false)).Count > 0) return false;
        return true;
    }

    private void Progressed() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);
}
