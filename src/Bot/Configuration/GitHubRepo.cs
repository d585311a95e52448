using System.Text.RegularExpressions;

namespace Bot.Configuration;

/// <summary>Which GitHub repository an app's <c>Repository</c> setting names, as <c>owner/repo</c>.</summary>
public static partial class GitHubRepo
{
    /// <summary>
    /// <c>owner/repo</c> for <c>https://github.com/o/r(.git)</c>, <c>git@github.com:o/r.git</c> and
    /// <c>ssh://git@github.com/o/r.git</c>; null for anything else (a local path, another host).
    /// </summary>
    public static string? Parse(string? repositoryUrl)
    {
        if (repositoryUrl is null || Url().Match(repositoryUrl.Trim()) is not { Success: true } m) return null;
        return $"{m.Groups["owner"].Value}/{m.Groups["name"].Value}";
    }

    /// <summary>An explicit <c>owner/repo</c> (as the <c>GitHub</c> setting takes it), with GitHub's own character rules.</summary>
    public static bool IsOwnerRepo(string? value) => value is not null && OwnerRepo().IsMatch(value) && !value.EndsWith(".git", StringComparison.OrdinalIgnoreCase)
        && value[(value.IndexOf('/') + 1)..] is not ("." or "..");

    [GeneratedRegex(@"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerRepo();
}
