namespace Bot.Deployments;

/// <summary>One deployment (or rollback) of an app to an environment, numbered per app (<c>#42</c>).</summary>
public sealed record Deployment(
    long Id,
    string App,
    string Env,
    int Number,
    DeploymentKind Kind,
    string? Ref,
    string? Sha,
    string? Subject,
    Origin Origin,
    DeploymentState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Release,
    string? Url,
    string? Message,
    string? RollbackTo,
    bool SkipChecks)
{
    public bool IsActive => State is DeploymentState.Queued or DeploymentState.Running or DeploymentState.AwaitingApproval or DeploymentState.Waiting;

    /// <summary>A promotion's source environment (<see cref="DeploymentKind.Promote"/>).</summary>
    public string? PromoteFrom { get; init; }

    /// <summary>How the push that asked for it reached the bot (<c>webhook</c>, <c>poll</c>); null when someone typed it.</summary>
    public string? Via { get; init; }

    /// <summary>Set once its output lines were removed under <c>Retention:Output</c> (its state lines and this row stay).</summary>
    public OutputRemoval? OutputRemoved { get; init; }

    /// <summary>It deploys exactly its commit: a push's head, or a commit that passed the CI gate, not whatever its branch points at by then.</summary>
    public bool Pinned(bool gated) => Sha is not null && (Via is not null || gated && !SkipChecks);

    public bool IsFinished => !IsActive;

    public string ShortSha => Sha is { Length: > 7 } ? Sha[..7] : Sha ?? "";

    /// <summary><c>main@3f2a1c9</c> once resolved, else the ref as typed.</summary>
    public string RefLabel => (Ref, Sha) switch
    {
        // A rollback with nothing named lets the target pick (Heroku: the release before the live one).
        (null, null) => Kind == DeploymentKind.Rollback ? "the previous release" : "default branch",
        (null, _) => ShortSha,
        (_, null) => Ref,
        _ when Sha.StartsWith(Ref, StringComparison.OrdinalIgnoreCase) => ShortSha,
        _ => $"{Ref}@{ShortSha}",
    };

    public string Verb => Kind switch
    {
        DeploymentKind.Rollback => "rollback",
        DeploymentKind.Promote => "promotion",
        DeploymentKind.Config => "config change",
        DeploymentKind.Task => $"task {Subject}",
        _ => "deploy",
    };

    /// <summary>It changes what serves (a deploy, rollback, promotion or config change); a one-off task does not.</summary>
    public bool IsRelease => Kind != DeploymentKind.Task;

    public TimeSpan Elapsed(DateTimeOffset now) => (FinishedAt ?? now) - (StartedAt ?? CreatedAt);
}
