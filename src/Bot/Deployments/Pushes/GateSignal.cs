namespace Bot.Deployments.Pushes;

/// <summary>Wakes the gate (<see cref="WaitingDeployments"/>): a push arrived, a commit's checks changed, or a deployment ended.</summary>
public sealed class GateSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);
    private readonly HashSet<string> _checked = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public void Pulse()
    {
        try { _pulse.Release(); }
        catch (SemaphoreFullException) { /* a wake-up is already pending */ }
    }

    /// <summary>The checks of <paramref name="sha"/> changed: the gate reads them again at once, not at its next look.</summary>
    public void ChecksChanged(string sha)
    {
        lock (_gate) _checked.Add(sha);
        Pulse();
    }

    /// <summary>Whether the checks of <paramref name="sha"/> changed since this was last asked.</summary>
    public bool TakeChecksChanged(string sha)
    {
        lock (_gate) return _checked.Remove(sha);
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = time.CreateTimer(_ => limit.Cancel(), null, timeout, Timeout.InfiniteTimeSpan);
        try { await _pulse.WaitAsync(limit.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { /* time for a look */ }
    }
}
