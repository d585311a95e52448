using System.Collections.Concurrent;
using Bot.Commands;
using Bot.Deployments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// Shows each deployment's card in the conversation that asked for it, following the deployment through the store
/// (<see cref="DeploymentFeed.FollowAsync"/>), so it does not matter which process runs the job. Of the processes
/// that hear of a deployment (the one that took the command, the one that runs it, one that recovers it) exactly one
/// follows it: the first to claim it in the store. Another takes over only when that one is gone or let go at
/// shutdown, and then shows the final state. A platform failing never stops the deployment or the others.
/// </summary>
public sealed class DeploymentNotifier(
    DeploymentFeed feed,
    IEnumerable<IChatPlatform> platforms,
    IDeploymentStore store,
    WorkerIdentity identity,
    AlertRouter alerts,
    BackgroundWork background,
    TimeProvider time,
    ILogger<DeploymentNotifier> logger,
    Security.LogLinks links) : BackgroundService
{
    public const string FollowerNote = "follower";
    private readonly Dictionary<string, IChatPlatform> _platforms = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, Follow> _follows = new();
    private readonly ConcurrentDictionary<long, byte> _othersFollow = new();
    private readonly Dictionary<long, Queue<string>> _recent = [];
    private readonly Dictionary<long, string> _openSteps = [];
    private readonly Dictionary<long, string> _stepNotes = [];
    private readonly Dictionary<long, DateTimeOffset> _stepSince = [];
    private readonly Dictionary<long, ApprovalStatus?> _approvals = [];

    /// <summary>How often a running card is drawn again where that is free, so its elapsed times move on without output.</summary>
    public static readonly TimeSpan RedrawEvery = TimeSpan.FromSeconds(5);
    private readonly Dictionary<long, DeploymentState> _shown = [];
    private readonly Lock _gate = new();
    private const int ShownKept = 4096;
    private const int FollowTries = 5;
    private DeploymentFeed.Subscription? _subscription;
    private volatile bool _busy;
    private TaskCompletionSource _progress = NewSignal();

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
                    await HeardAsync(update, stoppingToken).ConfigureAwait(false);
                _busy = false;
                Progressed();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await StopFollowingAsync(subscription).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Shutting down: what this process ended itself (interrupted jobs) is shown first, then the deployments still
    /// followed are let go in the store, so the process that finishes them shows their end.
    /// </summary>
    private async Task StopFollowingAsync(DeploymentFeed.Subscription subscription)
    {
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            while (subscription.Reader.TryRead(out var update))
                await HeardAsync(update, drain.Token).ConfigureAwait(false);
            foreach (var (id, follow) in _follows)
            {
                // Ended (this process's worker stopped it): let the follower show that end. Still going elsewhere: let go.
                if (await store.GetAsync(id, drain.Token).ConfigureAwait(false) is { IsFinished: true })
                {
                    await follow.Task.WaitAsync(drain.Token).ConfigureAwait(false);
                    continue;
                }
                await follow.Stop.CancelAsync().ConfigureAwait(false);
                await store.ClaimNoteAsync(FollowerNote, Key(id), "", identity.Id, time.GetUtcNow(), drain.Token).ConfigureAwait(false);
            }
            await Task.WhenAll(_follows.Values.Select(f => f.Task)).WaitAsync(drain.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Stopping: not every deployment card could be brought up to date ({Error})", e.Message);
        }
    }

    /// <summary>This process queued, started, ended or recovered a deployment: follow it, unless another process does.</summary>
    private async Task HeardAsync(DeploymentUpdate update, CancellationToken cancellationToken)
    {
        var d = update.Deployment;
        if (!_platforms.ContainsKey(d.Origin.Platform) || _follows.ContainsKey(d.Id)) return;
        if (_othersFollow.ContainsKey(d.Id) && !d.IsFinished) return;
        lock (_gate)
            if (_shown.TryGetValue(d.Id, out var shown) && Stage(shown) == 2) return;
        try
        {
            bool mine;
            // A store that cannot answer the claim right now must not cost the card its story: this process heard of
            // the deployment itself, so it follows it (at worst two processes edit one card, which is claimed anyway).
            try { mine = await ClaimAsync(d.Id, cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not claim {App} #{Number} in the store ({Error}); following it here", d.App, d.Number, e.Message);
                mine = true;
            }
            if (!mine)
            {
                _othersFollow.TryAdd(d.Id, 0);
                return;
            }
            _othersFollow.TryRemove(d.Id, out _);
            if (d.IsFinished)
            {
                // Taken over at the end: the card exists; show where it ended rather than replay its story.
                await ShowAsync(update, cancellationToken).ConfigureAwait(false);
                await AnnounceAsync(d).ConfigureAwait(false);
                return;
            }
            // Show what this process knows at once ("queued" before the worker can even start), then the rest from the store.
            await ShowAsync(update, cancellationToken).ConfigureAwait(false);
            StartFollowing(d.Id, update.Event.Seq, d.State, _platforms[d.Origin.Platform].RedrawsInPlace);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not follow {App} #{Number}: {Error}", d.App, d.Number, e.Message);
        }
    }

    private async Task<bool> ClaimAsync(long id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var holder = await store.ClaimNoteAsync(FollowerNote, Key(id), identity.Id, null, now, cancellationToken).ConfigureAwait(false);
        if (holder != identity.Id && (holder.Length == 0 || identity.IsGone(holder)))
            holder = await store.ClaimNoteAsync(FollowerNote, Key(id), identity.Id, holder, now, cancellationToken).ConfigureAwait(false);
        return holder == identity.Id;
    }

    private void StartFollowing(long id, long afterSeq, DeploymentState shown, bool redraw)
    {
        var follow = new Follow { Shown = afterSeq };
        if (!_follows.TryAdd(id, follow)) return;
        follow.Task = Task.Run(async () =>
        {
            using var redrawing = redraw ? time.CreateTimer(_ => _ = RedrawAsync(follow), null, RedrawEvery, RedrawEvery) : null;
            // A store that fails a read now and then (busy, a dropped connection) costs a pause, not the rest of the story.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await FollowToEndAsync(id, follow.Stop.Token, follow.Shown, follow.State ?? shown).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (follow.Stop.IsCancellationRequested) { break; /* shutting down */ }
                catch (Exception e) when (attempt < FollowTries)
                {
                    logger.LogWarning("Following #{Id} failed ({Error}); trying again", id, e.Message);
                    try { await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, follow.Stop.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                }
                catch (Exception e)
                {
                    logger.LogWarning("Following #{Id} stopped: {Error}", id, e.Message);
                    break;
                }
            }
            _follows.TryRemove(id, out _);
            Progressed();
        });
    }

    /// <summary>Shows one deployment from its current state to its end; returns how it ended (the console's <c>send</c>).</summary>
    public async Task<Deployment?> FollowToEndAsync(long id, CancellationToken cancellationToken, long afterSeq = 0, DeploymentState? shown = null)
    {
        Deployment? last = null;
        _follows.TryGetValue(id, out var follow);
        // An event counts as handled once shown, or once read and left out (a state already shown).
        void Passed(long seq)
        {
            if (follow is not null) follow.Shown = seq;
            Progressed();
        }
        await foreach (var update in feed.FollowAsync(id, afterSeq, cancellationToken, shown, Passed).ConfigureAwait(false))
        {
            if (follow is null) await ShowAsync(update, cancellationToken).ConfigureAwait(false);
            else
            {
                await follow.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await ShowAsync(update, cancellationToken).ConfigureAwait(false);
                    follow.Last = update;
                }
                finally { follow.Gate.Release(); }
            }
            if (follow is not null)
            {
                follow.Shown = Math.Max(follow.Shown, update.Event.Seq);
                follow.State = update.Deployment.State;
            }
            last = update.Deployment;
            // Started before this counts as shown, so whoever waits for the notifier to be idle finds the announcement under way.
            if (last.IsFinished) await AnnounceAsync(last).ConfigureAwait(false);
            Progressed();
        }
        return last;
    }

    /// <summary>The bot's own failures are alerts too, announced once: by the process that follows the deployment.</summary>
    private Task AnnounceAsync(Deployment d)
    {
        if (d.State is DeploymentState.Failed or DeploymentState.Interrupted)
            background.Run($"Announcing {d.App} #{d.Number}", () => alerts.AnnounceAsync(d, CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Completes once every update heard so far, and every event recorded for what this process follows, has been shown.</summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (!_busy && _subscription is not { Reader.Count: > 0 } && await CaughtUpAsync().ConfigureAwait(false)) return;
            await Task.WhenAny(progress, Task.Delay(50)).ConfigureAwait(false);
        }
    }

    private async Task<bool> CaughtUpAsync()
    {
        foreach (var (id, follow) in _follows)
            if ((await store.EventsAsync(id, follow.Shown, 1, CancellationToken.None).ConfigureAwait(false)).Count > 0) return false;
        return true;
    }

    private void Progressed() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    public async Task ShowAsync(DeploymentUpdate update, CancellationToken cancellationToken)
    {
        var d = update.Deployment;
        IReadOnlyList<string> recent;
        lock (_gate)
        {
            // A view older than the one already shown would turn the card back; it is left out.
            if (_shown.TryGetValue(d.Id, out var shown) && Stage(d.State) < Stage(shown)) return;
            if (_shown.Count >= ShownKept)
                foreach (var id in _shown.Where(s => Stage(s.Value) == 2).Select(s => s.Key).ToList()) _shown.Remove(id);
            _shown[d.Id] = d.State;
        }
        recent = await RecentAsync(d, update.Event, cancellationToken).ConfigureAwait(false);
        var approval = await ApprovalOfAsync(d, update.Event, cancellationToken).ConfigureAwait(false);
        if (!_platforms.TryGetValue(d.Origin.Platform, out var platform))
        {
            logger.LogDebug("No {Platform} platform here to show {App} #{Number}", d.Origin.Platform, d.App, d.Number);
            return;
        }
        try
        {
            string? step, note;
            DateTimeOffset? since;
            lock (_gate) (step, note, since) = (_openSteps.GetValueOrDefault(d.Id), _stepNotes.GetValueOrDefault(d.Id), _stepSince.TryGetValue(d.Id, out var at) ? at : null);
            await platform.ShowDeploymentAsync(new DeploymentCard(d, recent, time.GetUtcNow()) { OpenStep = step, StepNote = note, StepSince = since, Approval = approval, LogUrl = links.Deployment(d.App, d.Number) }, update.Event, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not show {App} #{Number} on {Platform}: {Error}", d.App, d.Number, platform.Name, e.Message);
        }
        if (d.IsFinished)
            lock (_gate)
            {
                _recent.Remove(d.Id);
                _openSteps.Remove(d.Id);
                _stepNotes.Remove(d.Id);
                _stepSince.Remove(d.Id);
                _approvals.Remove(d.Id);
            }
    }

    /// <summary>
    /// Who was asked to approve and who did, read once per deployment and again on each state change or answer (every
    /// answer is an event, so the card that shows it is redrawn wherever it is followed).
    /// </summary>
    private async Task<ApprovalStatus?> ApprovalOfAsync(Deployment d, DeploymentEvent e, CancellationToken cancellationToken)
    {
        bool known;
        ApprovalStatus? cached;
        lock (_gate) known = _approvals.TryGetValue(d.Id, out cached);
        if (known && (cached is null || e.Kind is not (EventKind.State or EventKind.Notice))) return cached;
        try
        {
            var status = await store.ApprovalAsync(d.Id, cancellationToken).ConfigureAwait(false);
            lock (_gate) _approvals[d.Id] = status;
            return status;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug("Could not read the approvals of #{Id}: {Error}", d.Id, ex.Message);
            return cached;
        }
    }

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Stage(DeploymentState state) => state switch { DeploymentState.AwaitingApproval => -1, DeploymentState.Queued => 0, DeploymentState.Running => 1, _ => 2 };

    /// <summary>The last output lines of a deployment, kept here as they pass (read from the store the first time).</summary>
    private async Task<IReadOnlyList<string>> RecentAsync(Deployment d, DeploymentEvent e, CancellationToken cancellationToken)
    {
        Queue<string>? lines;
        lock (_gate) _recent.TryGetValue(d.Id, out lines);
        if (lines is null)
        {
            lines = new Queue<string>();
            if (e.Seq > 0)
                foreach (var old in await store.TailAsync(d.Id, DeploymentCard.RecentLineCount, cancellationToken).ConfigureAwait(false))
                    if (old.Seq < e.Seq) lines.Enqueue(old.Text);
            lock (_gate) lines = _recent.TryAdd(d.Id, lines) ? lines : _recent[d.Id];
        }
        lock (_gate)
        {
            if (e.Kind == EventKind.Step) NoteStep(d.Id, e.Text, e.At);
            else if (e.Kind is EventKind.Notice or EventKind.Warning && _openSteps.ContainsKey(d.Id)) _stepNotes[d.Id] = e.Text;
            if (e.Kind is EventKind.Output or EventKind.ErrorOutput)
            {
                lines.Enqueue(e.Text);
                while (lines.Count > DeploymentCard.RecentLineCount) lines.Dequeue();
            }
            return lines.ToArray();
        }
    }

    /// <summary>A step event is its name when it begins and "name done in …" when it ends; what a step said goes with it.</summary>
    private void NoteStep(long id, string text, DateTimeOffset at)
    {
        _stepNotes.Remove(id);
        if (_openSteps.TryGetValue(id, out var open) && text.StartsWith(open + " done in ", StringComparison.Ordinal))
        {
            _openSteps.Remove(id);
            _stepSince.Remove(id);
        }
        else if (!text.Contains(" done in ", StringComparison.Ordinal))
        {
            _openSteps[id] = text;
            _stepSince[id] = at;
        }
    }

    /// <summary>Draws a running card again where that is free (<see cref="IChatPlatform.RedrawsInPlace"/>), so its times move on.</summary>
    private async Task RedrawAsync(Follow follow)
    {
        if (follow.Last is not { Deployment: { State: DeploymentState.Running } d } last) return;
        if (!follow.Gate.Wait(0)) return; // an update is being shown right now; it carries the times anyway
        try
        {
            if (!ReferenceEquals(follow.Last, last)) return;
            lock (_gate)
                if (_shown.TryGetValue(d.Id, out var shown) && shown != DeploymentState.Running) return;
            await ShowAsync(new DeploymentUpdate(d, new DeploymentEvent(d.Id, last.Event.Seq, time.GetUtcNow(), EventKind.State, "running")), follow.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { /* stopped following */ }
        catch (Exception e) { logger.LogDebug("Redrawing #{Id} failed: {Error}", d.Id, e.Message); }
        finally { follow.Gate.Release(); }
    }

    private sealed class Follow
    {
        public readonly CancellationTokenSource Stop = new();
        public Task Task = Task.CompletedTask;
        public long Shown;
        public DeploymentState? State;
        /// <summary>The last update shown, and the gate every showing of it passes (so a redraw never lands after a newer view).</summary>
        public DeploymentUpdate? Last;
        public readonly SemaphoreSlim Gate = new(1, 1);
    }
}
