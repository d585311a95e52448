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

    /// <summary>
    /// The values of a config change (<see cref="DeploymentKind.Config"/>), sealed (<see cref="Targets.Config.ConfigSeal"/>): kept
    /// with the deployment as its <see cref="StoreNames.SealedScope"/> note, in the same step, and removed when it ends.
    /// </summary>
    public string? Sealed { get; init; }

    /// <summary>
    /// False for a one-off task that runs beside whatever holds the app/env: it neither waits for nor takes the deploy
    /// lock (nor a manual lock or freeze, which stop deploys). A task with <c>"Lock": true</c> takes it like a deploy.
    /// </summary>
    public bool TakesLock { get; init; } = true;

    /// <summary>
    /// The span of the command that asked for it (W3C <c>traceparent</c>), when traces are on: kept as its
    /// <see cref="StoreNames.TraceScope"/> note, so the deployment's span, in whichever process runs it, joins that trace.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>How a push reached the bot (<c>webhook</c>, <c>poll</c>); null for a typed command.</summary>
    public string? Via { get; init; }
}
