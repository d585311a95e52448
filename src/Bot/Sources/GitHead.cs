namespace Bot.Sources;

/// <summary>
/// A repository's default branch read from its <c>HEAD</c> file, where the repository is on this machine: the answer
/// <c>git ls-remote --symref</c> gives, without starting git (and, for a local path, its <c>upload-pack</c>).
/// </summary>
internal static class GitHead
{
    /// <summary>The branch a repository's <c>HEAD</c> file names; null when it is detached, unreadable or not a plain file.</summary>
    public static string? Read(string? gitDir)
    {
        const string prefix = "ref: refs/heads/";
        try
        {
            if (gitDir is null || !File.Exists(Path.Combine(gitDir, "HEAD"))) return null;
            var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            return head.StartsWith(prefix, StringComparison.Ordinal) && head.Length > prefix.Length ? head[prefix.Length..] : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The git folder of a repository on this machine (a working copy's <c>.git</c>, or a bare one); null for a remote URL.</summary>
    public static string? LocalGitDir(string url)
    {
        if (url.Contains("://", StringComparison.Ordinal) || url.StartsWith("git@", StringComparison.Ordinal)) return null;
        var dotGit = Path.Combine(url, ".git");
        return Directory.Exists(dotGit) ? dotGit : Directory.Exists(Path.Combine(url, "objects")) ? url : null;
    }
}
