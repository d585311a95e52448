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

    /// <summary>The file as it is now, to put back if a change does not go live; null when there is none.</summary>
    public string? Snapshot() => File.Exists(Path) ? File.ReadAllText(Path) : null;

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

    /// <summary>Puts <paramref name="snapshot"/> back (<see cref="Snapshot"/>); null removes the file.</summary>
    public void Restore(string? snapshot)
    {
        if (snapshot is null) File.Delete(Path);
        else Replace(snapshot);
    }

    private void Replace(string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            stream.Write(Encoding.UTF8.GetBytes(text));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }

    [GeneratedRegex(@"^# ([A-Za-z_][A-Za-z0-9_]*) changed by #(\d+) at (\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Changed();
}
