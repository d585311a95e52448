using System.Runtime.CompilerServices;
using System.Threading.Channels;

using static Bot.Deployments.DeploymentStages;

namespace Bot.Deployments;

/// <summary>
/// Deployment updates. <see cref="FollowAsync"/> is the story of one deployment as the store has it, whichever
/// process runs it: what cards, <c>send</c> and pages read. <see cref="Publish"/> is this process's own news
/// (a job it queued, started, ended or recovered): it tells listeners here at once and wakes every follower.
/// Other processes' news wakes followers through <see cref="Wake"/> (PostgreSQL's <c>NOTIFY</c>).
/// </summary>
public sealed class DeploymentFeed(IDeploymentStore store, FeedOptions options, TimeProvider time)
{
    private const int Batch = 200;
    private readonly Lock _gate = new();
    private Channel<FeedItem>[] _subscribers = [];
    private Action<FeedItem>[] _listeners = [];
    private TaskCompletionSource _changed = NewSignal();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Calls <paramref name="listener"/> on the publishing thread for each update; it must be quick and not throw.</summary>
    public void Listen(Action<FeedItem> listener)
    {
        lock (_gate) _listeners = [.. _listeners, listener];
    }

    public Subscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<FeedItem>();
        lock (_gate) _subscribers = [.. _subscribers, channel];
        return new Subscription(this, channel);
    }

    public void Publish(FeedItem update)
    {
        foreach (var l in Volatile.Read(ref _listeners))
            l(update);
        foreach (var s in Volatile.Read(ref _subscribers))
            s.Writer.TryWrite(update);
        Wake();
    }

    /// <summary>Something was recorded (here or, by notification, elsewhere): followers look at the store again.</summary>
    public void Wake() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    /// <summary>
    /// The deployment as it is now, then each event recorded after <paramref name="afterSeq"/> as it is recorded, until
    /// it has ended (the last update is its final state). Events before the final state are shown with the deployment
    /// still running, so a follower that catches up never sees an early line under a finished card.
    /// </summary>
    /// <param name="shown">The state the follower has shown already (from this process's own news), if any: not repeated.</param>
    /// <param name="passed">Told the sequence number of each event read and left out (so a follower knows it is caught up).</param>
    public async IAsyncEnumerable<FeedItem> FollowAsync(
        long deploymentId, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken, DeploymentState? shown = null, Action<long>? passed = null)
    {
        var seen = afterSeq;
        var first = true;
        var lastState = shown;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            // The deployment before its events: an event that ends it is then always among those read.
            var current = await store.GetAsync(deploymentId, cancellationToken).ConfigureAwait(false);
            if (current is null) yield break;
            var events = await store.EventsAsync(deploymentId, seen, Batch, cancellationToken).ConfigureAwait(false);
            // A state recorded between the two reads (the worker started it, or ended it) is shown with the deployment
            // as it stood then, never under the older snapshot: read it again, it is at least that far now.
            if (events.Any(e => Stage(e.State) > Stage(current.State)))
                current = await store.GetAsync(deploymentId, cancellationToken).ConfigureAwait(false) ?? current;
            if (first)
            {
                first = false;
                if (current.IsFinished && events.Count == 0)
                {
                    yield return Final(current, seen);
                    yield break;
                }
                var now = current.IsFinished ? Running(current) : current;
                if (now.State != lastState)
                    yield return new FeedItem(now, StoryLine.StateOf(now, seen, time.GetUtcNow()));
                lastState = now.State;
            }
            foreach (var e in events)
            {
                seen = e.Seq;
                var ends = current.IsFinished && e.State == current.State;
                // A state already shown, or one before it (the snapshot can be ahead of the events), is not shown again.
                if (e.State is { } state && !ends && Stage(state) <= Stage(lastState))
                {
                    passed?.Invoke(seen);
                    continue;
                }
                if (e.State is { } reached) lastState = reached;
                yield return new FeedItem(ends || !current.IsFinished ? current : Running(current), e);
                if (ends) yield break;
            }
            if (current.IsFinished && events.Count < Batch)
            {
                // Ended without its final event (the process that ended it died in between): say so all the same.
                yield return Final(current, seen);
                yield break;
            }
            if (events.Count == 0)
                await Task.WhenAny(changed, Task.Delay(options.LookEvery, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public static string Name(DeploymentState state) => StoreNames.Name(state);

    private FeedItem Final(Deployment d, long seq) =>
        new(d, StoryLine.StateOf(d, seq, d.FinishedAt ?? time.GetUtcNow()));

    /// <summary>How a finished deployment looked before its final event, for the events that came before it.</summary>
    private static Deployment Running(Deployment d) => d with { State = DeploymentState.Running, FinishedAt = null, Message = null };

    private void Remove(Channel<FeedItem> channel)
    {
        lock (_gate) _subscribers = _subscribers.Where(c => c != channel).ToArray();
        channel.Writer.TryComplete();
    }

    public sealed class Subscription(DeploymentFeed feed, Channel<FeedItem> channel) : IDisposable
    {
        public ChannelReader<FeedItem> Reader => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
