using System.Collections.Concurrent;

namespace Bot.Deployments;

/// <summary>The jobs this process is running, so a cancel can reach them without waiting for a lease renewal.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _byDeployment = new();

    public int Count => _byDeployment.Count;

    public CancellationTokenSource Add(long deploymentId)
    {
        var cts = new CancellationTokenSource();
        _byDeployment[deploymentId] = cts;
        return cts;
    }

    public void Remove(long deploymentId)
    {
        if (_byDeployment.TryRemove(deploymentId, out var cts)) cts.Dispose();
    }

    public bool Cancel(long deploymentId)
    {
        if (!_byDeployment.TryGetValue(deploymentId, out var cts)) return false;
        try { cts.Cancel(); }
        catch (ObjectDisposedException) { return false; }
        return true;
    }
}
