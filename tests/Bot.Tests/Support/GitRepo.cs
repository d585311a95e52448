using System.Diagnostics;

namespace Bot.Tests.Support;

/// <summary>A real git repository made for a test, with helpers to commit files, branch and tag.</summary>
public sealed class GitRepo
{
    public GitRepo(string path, string branch = "main") : this(path)
    {
        Directory.CreateDirectory(path);
        Git("init", "-q", ".");
        Git("symbolic-ref", "HEAD", $"refs/heads/{branch}");
    }

    private GitRepo(string path) => Path = path;

    /// <summary>A repository that exists already (made by the bot's <c>InitRepository</c>, say).</summary>
    public static GitRepo Open(string path) => new(path);

    public string Path { get; }

    /// <summary>Writes the files (path → content; shell scripts get the executable bit) and commits; returns the sha.</summary>
    public string Commit(string message, params (string File, string Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            if (file.EndsWith(".sh", StringComparison.Ordinal))
                File.SetUnixFileMode(full, File.GetUnixFileMode(full) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        }
        Git("add", "-A", ".");
        Git("-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "--allow-empty", "-m", message);
        return Head();
    }

    public void Branch(string name, bool checkout = true) => Git(checkout ? ["checkout", "-q", "-b", name] : ["branch", name]);

    public void Checkout(string name) => Git("checkout", "-q", name);

    public void Tag(string name, bool annotated = false) =>
        Git(annotated ? ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "tag", "-a", "-m", name, name] : ["tag", name]);

    public string Head() => Git("rev-parse", "HEAD").Trim();

    public string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
        return output;
    }
}
