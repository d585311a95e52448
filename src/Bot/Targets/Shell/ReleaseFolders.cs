namespace Bot.Targets.Shell;

/// <summary>
/// The shell target's files for one app/environment under <c>DATA_DIR/apps/&lt;app&gt;/&lt;env&gt;</c>:
/// <c>releases/&lt;number&gt;-&lt;sha&gt;</c> folders, a <c>shared</c> folder that outlives releases (logs,
/// pid files), and <c>current</c>, the name of the live release.
/// </summary>
public sealed class ReleaseFolders(string dataDir, string app, string env)
{
    public string Root { get; } = Path.Combine(dataDir, "apps", app, env);

    public string Releases => Path.Combine(Root, "releases");

    public string Shared => Path.Combine(Root, "shared");

    public string PathOf(string release) => Path.Combine(Releases, release);

    public bool Exists(string release) => IsSafeName(release) && Directory.Exists(PathOf(release));

    public string? Current
    {
        get
        {
            var file = Path.Combine(Root, "current");
            if (!File.Exists(file)) return null;
            var name = File.ReadAllText(file).Trim();
            return name.Length > 0 && Exists(name) ? name : null;
        }
    }

    /// <summary>Records the live release; written to a temp file and renamed so a crash never leaves half a name.</summary>
    public void SetCurrent(string release)
    {
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, "current.tmp");
        File.WriteAllText(temp, release + "\n");
        File.Move(temp, Path.Combine(Root, "current"), overwrite: true);
    }

    /// <summary>Deletes the oldest release folders beyond <paramref name="keep"/>, never the live one or those in <paramref name="protect"/>.</summary>
    public void Prune(int keep, params string?[] protect)
    {
        if (!Directory.Exists(Releases)) return;
        var old = new DirectoryInfo(Releases).GetDirectories()
            .OrderByDescending(d => d.CreationTimeUtc).ThenByDescending(d => d.Name, StringComparer.Ordinal)
            .Skip(keep)
            .Where(d => d.Name != Current && !protect.Contains(d.Name));
        foreach (var dir in old)
        {
            try
            {
                dir.Delete(recursive: true);
                File.Delete(dir.FullName + ".meta");
            }
            catch (IOException) { /* in use; the next deploy tries again */ }
            catch (UnauthorizedAccessException) { /* same */ }
        }
    }

    /// <summary>Remembers which commit a release folder holds (next to it, not inside the app's files).</summary>
    public void WriteMeta(string release, string? gitRef, string? sha) =>
        File.WriteAllLines(Path.Combine(Releases, release + ".meta"), [$"ref={gitRef}", $"sha={sha}"]);

    public (string? Ref, string? Sha) ReadMeta(string release)
    {
        var file = Path.Combine(Releases, release + ".meta");
        if (!File.Exists(file)) return (null, null);
        var values = File.ReadAllLines(file).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return (Blank(values.GetValueOrDefault("ref")), Blank(values.GetValueOrDefault("sha")));
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;

    public static bool IsSafeName(string name) =>
        name.Length is > 0 and < 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !name.StartsWith('.');
}
