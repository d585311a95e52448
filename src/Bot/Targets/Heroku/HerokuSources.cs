using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Bot.Sources;

namespace Bot.Targets.Heroku;

/// <summary>
/// Where Heroku gets the code of a commit: for a GitHub repository the tarball GitHub makes of it (through the API
/// with <c>GITHUB_TOKEN</c>, which answers with a short-lived download link, so private repositories work too);
/// for any other repository a <c>git archive</c> uploaded to a new Heroku source.
/// </summary>
public sealed partial class HerokuSources(HerokuApi api, HerokuOptions options, IHttpClientFactory clients)
{
    public const string GitHubClient = "github-tarballs";

    /// <summary>The blob to build from and a line saying where it came from.</summary>
    public async Task<(HerokuSourceBlob Blob, string Note)> PrepareAsync(ResolvedCommit commit, SourceSnapshot snapshot, string? repository, CancellationToken ct)
    {
        if (GitHubRepository(repository) is { } gh)
        {
            var url = options.GitHubToken is null
                ? $"https://github.com/{gh.Owner}/{gh.Name}/archive/{commit.Sha}.tar.gz"
                : await GitHubTarballAsync(gh.Owner, gh.Name, commit.Sha, ct).ConfigureAwait(false);
            return (new HerokuSourceBlob(url, commit.Sha, commit.Subject), $"Heroku fetches {gh.Owner}/{gh.Name}@{commit.ShortSha} from GitHub.");
        }

        var source = await api.CreateSourceAsync(ct).ConfigureAwait(false);
        // Storage wants the length up front, so the archive goes to a temporary file first.
        var file = Path.Combine(Path.GetTempPath(), $"deploybot-{Guid.NewGuid():N}.tar.gz");
        await using var archive = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await snapshot.WriteArchiveAsync(archive, "tar.gz", ct).ConfigureAwait(false);
        var size = archive.Length;
        archive.Position = 0;
        await api.UploadAsync(new Uri(source.SourceBlob.PutUrl), archive, ct).ConfigureAwait(false);
        return (new HerokuSourceBlob(source.SourceBlob.GetUrl, commit.Sha, commit.Subject), $"Uploaded {commit.ShortSha} to Heroku ({Size(size)}).");
    }

    /// <summary>
    /// GitHub's tarball endpoint answers with a redirect to a download link that works for a few minutes without the
    /// token — long enough for Heroku to fetch it when the build starts, and the token itself never leaves the bot.
    /// </summary>
    private async Task<string> GitHubTarballAsync(string owner, string name, string sha, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.GitHubApiBase, $"repos/{owner}/{name}/tarball/{sha}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.GitHubToken);
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.github+json");
        request.Headers.TryAddWithoutValidation("User-Agent", "deploybot");
        HttpResponseMessage response;
        try { response = await clients.CreateClient(GitHubClient).SendAsync(request, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new DeployFailedException($"GitHub could not be reached for the tarball of {owner}/{name} ({e.Message}).", "Try again in a minute.");
        }
        using (response)
        {
            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                return (location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location)).ToString();
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new DeployFailedException("GitHub did not accept GITHUB_TOKEN.", "Set GITHUB_TOKEN to a token that can read the repository and restart the bot."),
                HttpStatusCode.NotFound or HttpStatusCode.Forbidden => new DeployFailedException($"GitHub has no {owner}/{name} at {sha[..7]} that GITHUB_TOKEN may read.",
                    "Give the token read access to the repository (contents: read) and deploy again."),
                _ => new DeployFailedException($"GitHub answered {(int)response.StatusCode} for the tarball of {owner}/{name}.", "Try again in a minute."),
            };
        }
    }

    private static string Size(long bytes) => bytes < 1024 * 1024 ? $"{Math.Max(1, bytes / 1024)} KB" : $"{bytes / (1024.0 * 1024):0.0} MB";

    /// <summary><c>https://github.com/acme/web(.git)</c>, <c>git@github.com:acme/web.git</c> or <c>ssh://git@github.com/acme/web</c>.</summary>
    public static (string Owner, string Name)? GitHubRepository(string? repository)
    {
        if (repository is null || GitHubUrl().Match(repository.Trim()) is not { Success: true } m) return null;
        return (m.Groups["owner"].Value, m.Groups["name"].Value);
    }

    [GeneratedRegex(@"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)(?<owner>[A-Za-z0-9-]+)/(?<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex GitHubUrl();
}
