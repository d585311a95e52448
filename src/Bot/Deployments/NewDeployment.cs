namespace Bot.Deployments;

/// <param name="RunBy">The worker that will run it itself (the console's <c>send</c>); null lets any worker take it.</param>
/// <param name="Approval">Set when the environment needs approvals: the deployment waits for them before it is queued.</param>
public sealed record NewDeployment(
    string App,
    string Env,
    DeploymentKind Kind,
    string? Ref,
    string? Sha,
    string? Subject,
    Origin Origin,
    string? RollbackTo,
    bool SkipChecks,
    DateTimeOffset At,
    string? RunBy = null,
    ApprovalRule? Approval = null)
{
    /// <summary>
    /// It waits without the app/env lock (<see cref="DeploymentState.Waiting"/>) for its CI checks or its turn, and is
    /// let go by the gate (<see cref="WaitingDeployments"/>), which then asks for approvals if they are needed.
    /// </summary>
    public bool Waits { get; init; }

    /// <summary>The environment a promotion puts here what serves there (<see cref="DeploymentKind.Promote"/>).</summary>
    public string? PromoteFrom { get; init; }

    /// <summary>How a push reached the bot (<c>webhook</c>, <c>poll</c>); null for a typed command.</summary>
    public string? Via { get; init; }
}
