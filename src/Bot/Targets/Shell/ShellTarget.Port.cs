using Bot.Processes;
using Bot.Text;

namespace Bot.Targets.Shell;

public sealed partial class ShellTarget
{
    /// <summary>
    /// Why a release may not have come up: its <c>Port</c> is held by a process that is not one of this app's releases
    /// (a server left over from another checkout, another program). Said in the card, not only in the logs.
    /// </summary>
    private static string PortNote(ShellSettings settings, ReleaseFolders folders)
    {
        if (settings.Port is not { } port || PortOwner.Find(port) is not { } owner || owner.RunsUnder(folders.Root)) return "";
        var who = owner.Pid > 0 ? $" (pid {owner.Pid}: {Tokens.Clip(owner.Command)})" : "";
        return $": port {port} is in use by another process{who}";
    }
}
