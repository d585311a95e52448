using System.Globalization;
using Bot.Processes;

namespace Bot.Targets.Shell;

/// <summary>
/// Remembers the process group of the step that is running for an app/environment
/// (<c>step.pid</c>: group id and kernel start time), so that after the bot was killed the next
/// start can stop what the interrupted step left running instead of letting it race a new deploy.
/// </summary>
public sealed class StepPidFile(string root)
{
    private string FilePath => Path.Combine(root, "step.pid");

    public void Write(int pid)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(FilePath, $"{pid} {ChildProcess.StartTicks(pid)}\n");
    }

    public void Clear()
    {
        try { File.Delete(FilePath); }
        catch (IOException) { /* gone already */ }
    }

    /// <summary>Kills the recorded process group if its step, or anything the step started, still runs; returns its id when it did.</summary>
    public int? StopLeftover()
    {
        if (!File.Exists(FilePath)) return null;
        var parts = File.ReadAllText(FilePath).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Clear();
        if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)) return null;
        if (ChildProcess.StartTicks(pid) is { } ticks)
        {
            // Alive: only the very process that was noted, not a later one that got its pid.
            if (ticks.ToString(CultureInfo.InvariantCulture) != parts[1]) return null;
        }
        else if (!ChildProcess.GroupIsAlive(pid))
        {
            return null;
        }
        // With the step's shell gone, what it started can still run in its group. Linux gives out no pid that is
        // still some group's id, so members of this group are the step's own.
        return ChildProcess.KillGroup(pid) ? pid : null;
    }
}
