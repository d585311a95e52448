using System.Globalization;
using Bot.Processes;

namespace Bot.Deployments;

/// <summary>
/// Names this process as the owner of the jobs it runs (<c>host:pid:start</c>, where start is the kernel's own
/// start time of the pid from <c>/proc/&lt;pid&gt;/stat</c>), so that after a crash a process on the same host can
/// tell at once that the owner is gone instead of waiting out its lease.
/// </summary>
/// <remarks>
/// The start field is compared as the kernel wrote it, never as a date computed from it: .NET's
/// <c>Process.StartTime</c> is derived from its own estimate of boot time, which two processes compute
/// differently, so comparing those made every live peer look gone.
/// </remarks>
public sealed class WorkerIdentity
{
    /// <summary>
    /// The machine name with the kernel's boot id and this process's pid namespace: two sandboxes or containers that
    /// happen to share a hostname (Lambda, Cloud Run) are never taken for one host whose pids can be checked.
    /// </summary>
    private static readonly string Host = HostOf(Read("/proc/sys/kernel/random/boot_id"), PidNamespace());

    private static string HostOf(string bootId, string pidNamespace) =>
        $"{Environment.MachineName.Replace(':', '-')}/{(bootId.Length > 8 ? bootId[..8] : bootId)}/{pidNamespace}";

    /// <summary>Without a boot id and a pid namespace to compare, no owner can be judged gone here: leases decide.</summary>
    private static bool CanCheck => !Host.EndsWith("//", StringComparison.Ordinal);

    private static string Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    private static string PidNamespace()
    {
        try { return new string((new FileInfo("/proc/self/ns/pid").LinkTarget ?? "").Where(char.IsAsciiDigit).ToArray()); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    public WorkerIdentity() : this(Environment.ProcessId) { }

    internal WorkerIdentity(int pid) =>
        Id = $"{Host}:{pid}:{ChildProcess.StartTicks(pid)?.ToString(CultureInfo.InvariantCulture) ?? "?"}";

    public string Id { get; }

    /// <summary>
    /// True only on evidence: <paramref name="owner"/> names a process on this host whose pid no longer runs, or
    /// runs with another start time (a reused pid). An owner on another host, or one this host cannot check, is
    /// never judged gone here; its lease running out decides.
    /// </summary>
    public bool IsGone(string owner)
    {
        if (owner == Id) return false;
        var parts = owner.Split(':');
        if (parts.Length != 3 || parts[0] != Host || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid)) return false;
        if (!long.TryParse(parts[2], CultureInfo.InvariantCulture, out var noted) || !CanCheck) return false;
        return ChildProcess.StartTicks(pid) is not { } now || now != noted;
    }
}
