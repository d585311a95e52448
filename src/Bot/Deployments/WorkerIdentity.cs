using System.Diagnostics;

namespace Bot.Deployments;

/// <summary>
/// Names this process as the owner of the jobs it runs (<c>host:pid:start</c>), so that after a crash a
/// restart on the same host can tell at once that the owner is gone instead of waiting out its lease.
/// </summary>
public sealed class WorkerIdentity
{
    private static readonly string Host = Environment.MachineName;

    public WorkerIdentity()
    {
        using var self = Process.GetCurrentProcess();
        Id = $"{Host}:{self.Id}:{self.StartTime.ToUniversalTime().Ticks}";
    }

    public string Id { get; }

    /// <summary>True when <paramref name="owner"/> was a process on this host that no longer runs.</summary>
    public bool IsGone(string owner)
    {
        if (owner == Id) return false;
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Host || !int.TryParse(parts[1], out var pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || process.StartTime.ToUniversalTime().Ticks.ToString() != parts[2];
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }
}
