using System.Threading.Channels;

namespace Bot.Deployments;

/// <summary>A deployment as it stood when <see cref="Event"/> was recorded.</summary>
public sealed record DeploymentUpdate(Deployment Deployment, DeploymentEvent Event);

/// <summary>
/// In-process fan-out of deployment updates, after they are persisted. The chat edge subscribes; the
/// engine never knows who listens.
/// </summary>
public sealed class DeploymentFeed
{
    private readonly Lock _gate = new();
    private Channel<DeploymentUpdate>[] _subscribers = [];
    private Action<DeploymentUpdate>[] _listeners = [];

    /// <summary>Calls <paramref name="listener"/> on the publishing thread for each update; it must be quick and not throw.</summary>
    public void Listen(Action<DeploymentUpdate> listener)
    {
        lock (_gate) _listeners = [.. _listeners, listener];
    }

    public Subscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<DeploymentUpdate>();
        lock (_gate) _subscribers = [.. _subscribers, channel];
        return new Subscription(this, channel);
    }

    public void Publish(DeploymentUpdate update)
    {
        foreach (var l in Volatile.Read(ref _listeners))
            l(update);
        foreach (var s in Volatile.Read(ref _subscribers))
            s.Writer.TryWrite(update);
    }

    private void Remove(Channel<DeploymentUpdate> channel)
    {
        lock (_gate) _subscribers = _subscribers.Where(c => c != channel).ToArray();
        channel.Writer.TryComplete();
    }

    public sealed class Subscription(DeploymentFeed feed, Channel<DeploymentUpdate> channel) : IDisposable
    {
        public ChannelReader<DeploymentUpdate> Reader => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}

/// <summary>Wakes the job worker when work is queued or a slot frees up, so it never polls busily.</summary>
public sealed class JobSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);

    public void Pulse()
    {
        try { _pulse.Release(); }
        catch (SemaphoreFullException) { /* a wake-up is already pending */ }
    }

    /// <summary>True when woken by a pulse, false when the time ran out or the wait was cancelled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try { return await _pulse.WaitAsync(timeout, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return false; /* stopping */ }
    }
}
