namespace Bot.Sources.GitHub;

/// <summary>
/// The parts of GitHub's REST answers and requests the bot uses, named as GitHub names them (snake_case on the wire;
/// see <see cref="GitHubJson"/>). Anything else GitHub sends is skipped.
/// </summary>
public static class GitHubWire
{
    /// <summary><c>GET /repos/{owner}/{repo}/commits/{ref}/status</c>: the newest status of each context.</summary>
    public sealed record CombinedStatus(string? State, IReadOnlyList<CommitStatus>? Statuses);

    public sealed record CommitStatus(string? Context, string? State, string? TargetUrl, string? Description);

    /// <summary>One page of <c>GET /repos/{owner}/{repo}/commits/{ref}/check-runs</c>.</summary>
    public sealed record CheckRunPage(int TotalCount, IReadOnlyList<CheckRun>? CheckRuns);

    public sealed record CheckRun(long Id, string? Name, string? Status, string? Conclusion, string? HtmlUrl, string? DetailsUrl, DateTimeOffset? StartedAt);

    /// <summary>
    /// <c>POST /repos/{owner}/{repo}/deployments</c>. <see cref="RequiredContexts"/> is empty and <see cref="AutoMerge"/>
    /// false: the bot has already judged the checks itself, and must deploy exactly the commit it judged.
    /// </summary>
    public sealed record DeploymentRequest(string Ref, string Environment, string Description, bool AutoMerge, IReadOnlyList<string> RequiredContexts, bool ProductionEnvironment);

    public sealed record Deployment(long Id);

    /// <summary><c>POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses</c>; null fields are left out.</summary>
    public sealed record DeploymentStatusRequest(string State, string? LogUrl, string? EnvironmentUrl, string? Description);

    public sealed record DeploymentStatus(long Id, string? State);

    /// <summary>GitHub's error body: <c>{"message": "Not Found", "documentation_url": "…"}</c> (422s add <c>errors</c>).</summary>
    public sealed record Error(string? Message, IReadOnlyList<ErrorDetail>? Errors);

    public sealed record ErrorDetail(string? Resource, string? Field, string? Code, string? Message);
}
