using System.Diagnostics;
using System.Formats.Tar;

namespace Bot.Sources;

/// <summary>
/// The files of one commit, ready to be written out: extracted into a folder (shell target) or as an
/// archive to upload (Heroku sources). Backed by the app's cached clone.
/// </summary>
public sealed class SourceSnapshot(string gitDir, ResolvedCommit commit)
{
    public ResolvedCommit Commit { get; } = commit;

    public Task ExtractToAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        return ArchiveAsync("tar", tar => TarFile.ExtractToDirectoryAsync(tar, directory, overwriteFiles: true, cancellationToken), cancellationToken);
    }

    /// <summary>Writes the commit as an archive (<c>tar</c>, <c>tar.gz</c> or <c>zip</c>) to <paramref name="destination"/>.</summary>
    public Task WriteArchiveAsync(Stream destination, string format, CancellationToken cancellationToken) =>
        ArchiveAsync(format, archive => archive.CopyToAsync(destination, cancellationToken), cancellationToken);

    private async Task ArchiveAsync(string format, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        using var git = StartArchive(format);
        var stderr = git.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await consume(git.StandardOutput.BaseStream).ConfigureAwait(false);
            await git.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try { git.Kill(); } catch (InvalidOperationException) { /* already gone */ }
            throw;
        }
        if (git.ExitCode != 0)
            throw new IOException($"git archive failed ({git.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
    }

    private Process StartArchive(string format)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--git-dir", gitDir, "archive", $"--format={format}", Commit.Sha }) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("git did not start");
    }
}
