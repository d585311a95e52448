namespace Bot.Deployments;

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
