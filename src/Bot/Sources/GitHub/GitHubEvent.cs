namespace Bot.Sources.GitHub;

/// <summary>
/// The fields of a GitHub webhook delivery the bot reads, for every event it handles (<c>push</c>, <c>check_run</c>,
/// <c>check_suite</c>, <c>status</c>, <c>workflow_run</c>, <c>ping</c>); each event fills its own and leaves the rest
/// null. Everything else in the payload is skipped, and anything may be null: <c>head_commit</c>, <c>sender</c> and
/// <c>pusher.email</c> are null in real deliveries.
/// </summary>
public sealed record GitHubEvent(
    string? Ref,
    string? Before,
    string? After,
    bool? Deleted,
    bool? Forced,
    string? Compare,
    IReadOnlyList<GitHubEvent.Commit?>? Commits,
    GitHubEvent.Person? Pusher,
    GitHubEvent.Account? Sender,
    GitHubEvent.Repo? Repository,
    GitHubEvent.Run? CheckRun,
    GitHubEvent.Run? CheckSuite,
    GitHubEvent.Run? WorkflowRun,
    string? Sha,
    string? Zen)
{
    public sealed record Commit(string? Id, string? Message);

    /// <summary>The <c>pusher</c> of a push: the login as <c>name</c> (and an email that may be null).</summary>
    public sealed record Person(string? Name, string? Email);

    public sealed record Account(string? Login);

    public sealed record Repo(string? FullName);

    /// <summary>A check run, check suite or workflow run: the commit it ran on.</summary>
    public sealed record Run(string? HeadSha);
}
