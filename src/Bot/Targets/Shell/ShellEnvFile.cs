using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Bot.Targets.Config;

namespace Bot.Targets.Shell;

/// <summary>
/// The config vars the bot keeps for one shell app/environment: <c>DATA_DIR/apps/&lt;app&gt;/&lt;env&gt;/config.env</c>, mode
/// 0600, in <c>.env</c> form (docker compose's <c>env_file</c> and systemd's <c>EnvironmentFile</c> read it), each line
/// preceded by a comment saying which deployment last changed it and when. Every step gets its values, and its path as
/// <c>DEPLOY_ENV_FILE</c>. Written whole to a temporary file and moved into place, so a reader never sees half of it.
/// </summary>
public sealed partial class ShellEnvFile(string root)
{
    public const string Name = "config.env";

    public string Path { get; } = System.IO.Path.Combine(root, Name);

    public sealed record Var(string Value, int? ChangedBy, DateTimeOffset? ChangedAt);

    /// <summary>The file as it is now; null when there is none.</summary>
    public string? Snapshot() => File.Exists(Path) ? File.ReadAllText(Path) : null;

    /// <summary>
    /// Where the file as it was before a change is kept until the change has gone live, so that a put-back, even one
    /// made by another process after this one was killed, runs the release with the values it had (<see cref="RollBack"/>).
    /// </summary>
    public string Before => Path + ".before";

    private const string NoFile = "# deploybot: there was no file\n";

    /// <summary>Keeps the file as it is before a change (once: a change interrupted earlier keeps the older one).</summary>
    public void BeginChange()
    {
        if (File.Exists(Before)) RollBack();
        WriteAtomically(Before, Snapshot() ?? NoFile);
    }

    /// <summary>The change went live: what was kept before it is not needed any more.</summary>
    public void Commit() => File.Delete(Before);

    /// <summary>Puts back the file as it was before an unfinished change; false when no change was under way.</summary>
    public bool RollBack()
    {
        if (!File.Exists(Before)) return false;
        var text = File.ReadAllText(Before);
        if (text == NoFile) File.Delete(Path);
        else WriteAtomically(Path, text);
        File.Delete(Before);
        return true;
    }

    public Dictionary<string, Var> Read() => Parse(Snapshot() ?? "");

    public static Dictionary<string, Var> Parse(string text)
    {
        var vars = new Dictionary<string, Var>(StringComparer.Ordinal);
        var changed = new Dictionary<string, (int, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
            if (Changed().Match(line) is { Success: true } m
                && DateTimeOffset.TryParse(m.Groups[3].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                changed[m.Groups[1].Value] = (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), at);
        foreach (var e in DotEnv.Parse(text).Entries)
            vars[e.Name] = changed.TryGetValue(e.Name, out var c) ? new Var(e.Value, c.Item1, c.Item2) : new Var(e.Value, null, null);
        return vars;
    }

    /// <summary>Just the values, for a step's environment.</summary>
    public Dictionary<string, string> Values() => Read().ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);

    public void Write(IReadOnlyDictionary<string, Var> vars)
    {
        var sb = new StringBuilder("# Config vars of this app, kept by deploybot. Change them with `config set` in a direct message to the bot.\n");
        foreach (var (name, v) in vars.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (v.ChangedBy is { } n && v.ChangedAt is { } at)
                sb.Append(CultureInfo.InvariantCulture, $"# {name} changed by #{n} at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\n");
            sb.Append(DotEnv.Line(name, v.Value)).Append('\n');
        }
        Replace(sb.ToString());
    }

    private void Replace(string text) => WriteAtomically(Path, text);

    private static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            stream.Write(Encoding.UTF8.GetBytes(text));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    [GeneratedRegex(@"^# ([A-Za-z_][A-Za-z0-9_]*) changed by #(\d+) at (\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Changed();
}
