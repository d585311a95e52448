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
    ApprovalRule? Approval = null);
