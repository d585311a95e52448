using System.Globalization;
using Bot.Configuration;
using Bot.Http;

namespace Bot.Sources.GitHub;

/// <summary>
/// A thin typed client for exactly the REST calls deploy-on-push makes: a commit's checks (commit statuses and check
/// runs) and GitHub deployments with their statuses. Every call carries <c>Accept: application/vnd.github+json</c>,
/// <c>X-GitHub-Api-Version</c> and the bearer <c>GITHUB_TOKEN</c> when one is set; a refusal becomes
/// <see cref="GitHubApiException"/> with GitHub's own message.
/// </summary>
/// <remarks>
/// Paths are joined to <c>GITHUB_API_URL</c> without a leading slash, so GitHub Enterprise's <c>/api/v3</c> stays in
/// front of them. Timeouts, retries of 5xx, waiting out a 429 and the circuit breaker are the resilience pipeline's
/// (see <see cref="GitHubServices"/>); creating a deployment is never sent twice.
/// </remarks>
public sealed partial class GitHubApi(IHttpClientFactory clients, GitHubOptions options)
{
    /// <summary>More than any CI reports for one commit; a runaway <c>Link</c> chain stops here.</summary>
    public const int MaxCheckRunPages = 10;

    /// <summary>
    /// The checks of <paramref name="sha"/> in <paramref name="repo"/> (<c>owner/repo</c>), one per name: the commit
    /// statuses of the combined status and every page of check runs, normalised by <see cref="GitHubChecks"/>.
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> ReadChecksAsync(string repo, string sha, CancellationToken ct)
    {
        var commit = $"{Repo(repo)}/commits/{Uri.EscapeDataString(sha)}";
        var statuses = CallAsync(HttpMethod.Get, $"{commit}/status?per_page=100", null, GitHubJson.Default.CombinedStatus, ct);
        var runs = ReadCheckRunsAsync($"{commit}/check-runs?per_page=100", ct);
        await Task.WhenAll(statuses, runs).ConfigureAwait(false);
        return GitHubChecks.Combine((await statuses.ConfigureAwait(false)).Answer.Statuses ?? [], await runs.ConfigureAwait(false));
    }

    private async Task<List<GitHubWire.CheckRun>> ReadCheckRunsAsync(string path, CancellationToken ct)
    {
        var runs = new List<GitHubWire.CheckRun>();
        Uri? next = new(options.ApiBase, path);
        for (var page = 0; next is not null && page < MaxCheckRunPages; page++)
        {
            var (answer, link) = await CallAsync(HttpMethod.Get, next, null, GitHubJson.Default.CheckRunPage, ct).ConfigureAwait(false);
            runs.AddRange(answer.CheckRuns ?? []);
            next = link;
        }
        return runs;
    }

    /// <summary>
    /// Records a deployment of <paramref name="sha"/> in <paramref name="environment"/> and returns its id. GitHub is
    /// told to deploy the sha exactly (<c>auto_merge: false</c>) and not to check statuses again (<c>required_contexts:
    /// []</c>): the bot has gated the deploy itself. <paramref name="gitRef"/> (the branch) only goes into the description.
    /// </summary>
    public async Task<long> CreateDeploymentAsync(string repo, string sha, string? gitRef, string environment, string description, bool production, CancellationToken ct)
    {
        var text = gitRef is null || description.Contains(gitRef, StringComparison.Ordinal) ? description : $"{description} ({gitRef})";
        var body = new GitHubWire.DeploymentRequest(sha, environment, Clip(text), AutoMerge: false, RequiredContexts: [], production);
        var (deployment, _) = await CallAsync(HttpMethod.Post, $"{Repo(repo)}/deployments", PlatformJson.Content(body, GitHubJson.Default.DeploymentRequest),
            GitHubJson.Default.Deployment, ct, retry: false).ConfigureAwait(false);
        return deployment.Id;
    }

    /// <summary>
    /// Adds a status to a deployment: <c>queued</c>, <c>in_progress</c>, <c>success</c>, <c>failure</c>, <c>error</c> or
    /// <c>inactive</c>. <paramref name="description"/> is cut to GitHub's 140 characters; <c>auto_inactive</c> keeps
    /// GitHub's default (earlier successful deployments of the environment become inactive).
    /// </summary>
    public async Task CreateDeploymentStatusAsync(string repo, long deploymentId, string state, string? logUrl, string? environmentUrl, string? description, CancellationToken ct)
    {
        var body = new GitHubWire.DeploymentStatusRequest(state, logUrl, environmentUrl, description is null ? null : Clip(description));
        await CallAsync(HttpMethod.Post, $"{Repo(repo)}/deployments/{deploymentId.ToString(CultureInfo.InvariantCulture)}/statuses",
            PlatformJson.Content(body, GitHubJson.Default.DeploymentStatusRequest), GitHubJson.Default.DeploymentStatus, ct).ConfigureAwait(false);
    }

    /// <summary>GitHub refuses a description over 140 characters with a 422.</summary>
    public const int MaxDescription = 140;

    private static string Clip(string text) => text.Length <= MaxDescription ? text : text[..(MaxDescription - 1)] + "…";

    private static string Repo(string repo) => GitHubRepo.IsOwnerRepo(repo)
        ? $"repos/{Uri.EscapeDataString(repo[..repo.IndexOf('/')])}/{Uri.EscapeDataString(repo[(repo.IndexOf('/') + 1)..])}"
        : throw new ArgumentException($"'{repo}' is not owner/repo", nameof(repo));
}
