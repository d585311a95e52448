using Bot.Text;
using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// How pushes reach one environment and what gates its deploys: <c>AutoDeploy</c> (a branch, or <c>{ Branch, Poll }</c>),
/// <c>RequireChecks</c> (check names, or <c>"all"</c>), <c>ChecksTimeout</c> (default 30m), <c>PromoteFrom</c> (an
/// environment this one only takes promotions from) and <c>GitHub</c> (<c>owner/repo</c>, when <c>Repository</c> is not a
/// GitHub URL but checks and deployments live there).
/// </summary>
public sealed record PushSettings(
    string? AutoDeploy, TimeSpan? Poll, bool AllChecks, IReadOnlyList<string> RequiredChecks, TimeSpan ChecksTimeout, string? PromoteFrom, string? GitHub)
{
    public static readonly string[] Keys = ["AutoDeploy", "RequireChecks", "ChecksTimeout", "PromoteFrom", "GitHub"];

    public static readonly TimeSpan DefaultChecksTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Polls closer together than this would only load the git server.</summary>
    public static readonly TimeSpan ShortestPoll = TimeSpan.FromSeconds(5);

    public static readonly PushSettings None = new(null, null, false, [], DefaultChecksTimeout, null, null);

    /// <summary>Whether deploys here wait for CI results.</summary>
    public bool GatesOnChecks => AllChecks || RequiredChecks.Count > 0;

    /// <param name="at">Where a key that applies here is set, for error messages (<see cref="AppEnvConfig.SetAt"/>).</param>
    public static PushSettings Read(IConfiguration merged, Func<string, string> at, string? repository)
    {
        var (branch, poll) = ReadAutoDeploy(merged.GetSection("AutoDeploy"), at("AutoDeploy"));
        var checks = AppCatalog.List(merged, "RequireChecks");
        var all = checks.Count == 1 && checks[0].Equals("all", StringComparison.OrdinalIgnoreCase);
        var gitHub = Blank(merged["GitHub"]);
        if (gitHub is not null && !GitHubRepo.IsOwnerRepo(gitHub))
            throw new ConfigException(at("GitHub"), $"'{gitHub}' should be owner/repo, e.g. acme/web");
        var onGitHub = (gitHub ?? GitHubRepo.Parse(repository)) is not null;
        if ((all || checks.Count > 0) && !onGitHub)
            throw new ConfigException(at("RequireChecks"), "checks are read from GitHub, but Repository is not a GitHub URL; add \"GitHub\": \"owner/repo\"");
        if (branch is not null && repository is null)
            throw new ConfigException(at("AutoDeploy"), "needs Repository: the repository whose branch deploys here");
        if (branch is not null && poll is null && !onGitHub)
            throw new ConfigException(at("AutoDeploy"), "nothing would tell the bot of a push: this repository is not on GitHub, so poll it: { \"Branch\": \"" + branch + "\", \"Poll\": \"30s\" }");
        var timeout = Blank(merged["ChecksTimeout"]) is { } t ? Duration(t, at("ChecksTimeout")) : DefaultChecksTimeout;
        var promoteFrom = Blank(merged["PromoteFrom"]);
        return new PushSettings(branch, poll, all, all ? [] : checks, timeout, promoteFrom, gitHub);
    }

    private static (string? Branch, TimeSpan? Poll) ReadAutoDeploy(IConfigurationSection section, string path)
    {
        if (!section.Exists()) return (null, null);
        string? branch;
        TimeSpan? poll = null;
        if (section.Value is { } single) branch = Blank(single);
        else
        {
            KnownKeys.Check(section, path, ["Branch", "Poll"]);
            branch = Blank(section["Branch"]);
            if (branch is null) throw new ConfigException($"{path}:Branch", "missing; name the branch that deploys here, e.g. main");
            if (Blank(section["Poll"]) is { } p)
            {
                poll = Duration(p, $"{path}:Poll");
                if (poll < ShortestPoll) throw new ConfigException($"{path}:Poll", $"'{p}' is too often; poll every {Format.Setting(ShortestPoll)} or more");
            }
        }
        if (branch is null) return (null, null);
        if (branch.Any(char.IsWhiteSpace) || branch.StartsWith("refs/", StringComparison.Ordinal))
            throw new ConfigException(path, $"'{branch}' should be a branch name such as main (no spaces, no refs/heads/)");
        return (branch, poll);
    }

    private static TimeSpan Duration(string text, string path) => ConfigDuration.Parse(text, path, "30s, 5m or 1h");

    /// <summary>
    /// The GitHub repository (<c>owner/repo</c>) whose checks gate deploys and where deployments are recorded: <c>GitHub</c>
    /// when set, else <paramref name="repository"/> when it is a github.com URL; null otherwise.
    /// </summary>
    public string? GitHubRepository(string? repository) => GitHub ?? GitHubRepo.Parse(repository);

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
