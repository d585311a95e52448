using System.Globalization;

namespace Bot.Processes;

/// <summary>A process listening on a TCP port: its pid, what it runs and where (read from Linux's <c>/proc</c>).</summary>
public sealed record PortOwner(int Pid, string Command, string? WorkingDirectory)
{
    /// <summary>Who listens on <paramref name="port"/>, or null when nobody does (or this is not Linux).</summary>
    public static PortOwner? Find(int port)
    {
        var inodes = ListeningInodes("/proc/net/tcp", port).Concat(ListeningInodes("/proc/net/tcp6", port)).ToHashSet(StringComparer.Ordinal);
        if (inodes.Count == 0) return null;
        foreach (var dir in SafeList(() => Directory.EnumerateDirectories("/proc")))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            foreach (var fd in SafeList(() => Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd"))))
            {
                var target = Safe(() => new FileInfo(fd).LinkTarget);
                if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !inodes.Contains(target[8..^1])) continue;
                var command = Safe(() => File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()) ?? "";
                return new PortOwner(pid, command.Length > 0 ? command : "?", Safe(() => new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget));
            }
        }
        // The socket is there but its process is not readable (another user's).
        return new PortOwner(0, "?", null);
    }

    /// <summary>True when the owner runs in <paramref name="folder"/> or below it (a release of the app itself).</summary>
    public bool RunsUnder(string folder) =>
        WorkingDirectory is { } cwd && (cwd + "/").StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + "/", StringComparison.Ordinal);

    private static IEnumerable<string> ListeningInodes(string table, int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in Safe(() => File.ReadAllLines(table)) ?? [])
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 9 && f[3] == "0A" && f[1].EndsWith(":" + hexPort, StringComparison.Ordinal)) yield return f[9];
        }
    }

    private static T? Safe<T>(Func<T?> read) where T : class
    {
        try { return read(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static List<string> SafeList(Func<IEnumerable<string>> list)
    {
        try { return list().ToList(); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
