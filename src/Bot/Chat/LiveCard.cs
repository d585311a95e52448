using Bot.Commands;
using Bot.Deployments;
using Bot.Security;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// One deployment's card, and everything it shows: its open step and what that step said, its last output lines, its
/// approval. One loop follows the deployment's story in the store (<see cref="DeploymentFeed.FollowAsync"/>), renders
/// each moment and hands it to the conversation's platform, whose live message sends it at the platform's pace.
/// </summary>
internal sealed class LiveCard(long id, IChatPlatform platform, DeploymentFeed feed, IDeploymentStore store, LogLinks links, TimeProvider time, ILogger logger)
{
    private const int FollowTries = 5;
    private readonly Queue<string> _recent = new();
    private bool _recentRead, _approvalRead;
    private string? _openStep, _stepNote;
    private DateTimeOffset? _stepSince;
    private ApprovalStatus? _approval;
    private FeedItem? _last;
    private long _seen;

    /// <summary>The sequence number of the last event shown, or read and left out.</summary>
    public long Seen => Volatile.Read(ref _seen);

    /// <summary>The deployment as last shown.</summary>
    public Deployment? Last => _last?.Deployment;

    /// <summary>
    /// Shows the deployment from after <paramref name="afterSeq"/> to its end, and returns how it ended. A store that fails
    /// a read now and then (busy, a dropped connection) costs a pause, not the rest of the story.
    /// </summary>
    public async Task<Deployment?> FollowAsync(long afterSeq, CancellationToken stop)
    {
        Passed(afterSeq);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FollowOnceAsync(stop).ConfigureAwait(false);
                return Last;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < FollowTries)
            {
                logger.LogWarning("Following #{Id} failed ({Error}); trying again", id, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, stop).ConfigureAwait(false);
            }
        }
    }

    private async Task FollowOnceAsync(CancellationToken stop)
    {
        await using var story = feed.FollowAsync(id, Seen, stop, Last?.State, Passed).GetAsyncEnumerator(stop);
        var next = story.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                // A running step without output is drawn again now and then where that is free, so its times move on.
                if (platform.RedrawsInPlace && Last is { State: DeploymentState.Running })
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    var redraw = Task.Delay(DeploymentCards.RedrawEvery, time, quiet.Token);
                    if (await Task.WhenAny(next, redraw).ConfigureAwait(false) == redraw)
                    {
                        stop.ThrowIfCancellationRequested();
                        await RedrawAsync(stop).ConfigureAwait(false);
                        continue;
                    }
                    await quiet.CancelAsync().ConfigureAwait(false);
                }
                if (!await next.ConfigureAwait(false)) return;
                await ShowAsync(story.Current, stop).ConfigureAwait(false);
                if (story.Current.Deployment.IsFinished) return;
                next = story.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            // The story is closed only once its read in flight has ended (it ends soon after a stop).
            if (!next.IsCompleted) await next.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>Shows one moment of the deployment; a view older than the one shown (it would turn the card back) is left out.</summary>
    public async Task ShowAsync(FeedItem update, CancellationToken cancellationToken)
    {
        var (d, e) = (update.Deployment, update.Line);
        if (Last is { } shown && DeploymentStages.Stage(d.State) < DeploymentStages.Stage(shown.State))
        {
            Passed(e.Seq);
            return;
        }
        if (!_recentRead)
        {
            if (e.Seq > 0)
                foreach (var old in await store.TailAsync(id, DeploymentCard.RecentLineCount, cancellationToken).ConfigureAwait(false))
                    if (old.Seq < e.Seq) _recent.Enqueue(old.Text);
            _recentRead = true;
        }
        Note(e);
        // Every answer to an approval is an event, so the card that shows it is redrawn wherever it is followed.
        if (!_approvalRead || (_approval is not null && e.Kind is LineKind.State or LineKind.Notice)) await ReadApprovalAsync(cancellationToken).ConfigureAwait(false);
        _last = update;
        await HandOverAsync(d, e, cancellationToken).ConfigureAwait(false);
        Passed(e.Seq);
    }

    private Task RedrawAsync(CancellationToken cancellationToken) => _last is { Deployment: { State: DeploymentState.Running } d } last
        ? HandOverAsync(d, StoryLine.StateOf(d, last.Line.Seq, time.GetUtcNow()), cancellationToken)
        : Task.CompletedTask;

    private async Task HandOverAsync(Deployment d, StoryLine e, CancellationToken cancellationToken)
    {
        var card = new DeploymentCard(d, _recent.ToArray(), time.GetUtcNow())
        {
            OpenStep = _openStep, StepNote = _stepNote, StepSince = _stepSince, Approval = _approval, LogUrl = links.Deployment(d.App, d.Number),
        };
        try
        {
            await platform.ShowDeploymentAsync(card, e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not show {App} #{Number} on {Platform}: {Error}", d.App, d.Number, platform.Name, ex.Message);
        }
    }

    /// <summary>A step event is its name when it begins and "name done in …" when it ends; what a step said goes with it.</summary>
    private void Note(StoryLine e)
    {
        switch (e.Kind)
        {
            case LineKind.Step:
                _stepNote = null;
                if (_openStep is { } open && e.Text.StartsWith(open + " done in ", StringComparison.Ordinal)) (_openStep, _stepSince) = (null, null);
                else if (!e.Text.Contains(" done in ", StringComparison.Ordinal)) (_openStep, _stepSince) = (e.Text, e.At);
                break;
            case LineKind.Notice or LineKind.Warning when _openStep is not null:
                _stepNote = e.Text;
                break;
            case LineKind.Output or LineKind.ErrorOutput:
                _recent.Enqueue(e.Text);
                while (_recent.Count > DeploymentCard.RecentLineCount) _recent.Dequeue();
                break;
        }
    }

    private async Task ReadApprovalAsync(CancellationToken cancellationToken)
    {
        try
        {
            _approval = await store.ApprovalAsync(id, cancellationToken).ConfigureAwait(false);
            _approvalRead = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug("Could not read the approvals of #{Id}: {Error}", id, e.Message);
        }
    }

    private void Passed(long seq)
    {
        long seen;
        do seen = Volatile.Read(ref _seen);
        while (seq > seen && Interlocked.CompareExchange(ref _seen, seq, seen) != seen);
    }
}
