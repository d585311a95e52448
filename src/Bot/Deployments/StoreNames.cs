namespace Bot.Deployments;

/// <summary>How states and kinds are spelled in the stores' tables (the same words in SQLite and PostgreSQL).</summary>
internal static class StoreNames
{
    /// <summary>Job kinds: running a deployment, and putting back what served before one that was interrupted going live.</summary>
    public const string DeployJob = "deploy";
    public const string PutBackJob = "putback";

    /// <summary>A deployment's state, and its job's, while it waits for approvals (the job is not claimable until then).</summary>
    public const string AwaitingApproval = "awaiting_approval";

    /// <summary>The notes that hold a waiting config change's sealed values, keyed by deployment id (<see cref="NewDeployment.Sealed"/>).</summary>
    public const string SealedScope = "sealed";

    /// <summary>The notes that hold the span a deployment was asked for under (<see cref="NewDeployment.TraceParent"/>), keyed by deployment id.</summary>
    public const string TraceScope = "trace";

    /// <summary>The states of a deployment that has not ended, as a SQL list; the <c>deployments_open</c> index (schema step 9) has this very condition, so change both together.</summary>
    public const string ActiveStates = "('queued', 'running', 'awaiting_approval', 'waiting')";

    /// <summary>
    /// The <c>SELECT</c> of the lock a put-back job holds: the interrupted deployment's own, since <c>at</c>, in the words
    /// both dialects share; <paramref name="p"/> is the dialect's parameter sign (<c>$</c> or <c>@</c>).
    /// </summary>
    public static string PutBackLock(char p) =>
        $"SELECT app, env, 'deploy', platform || ':' || user_id, user_name, 'putting back the release before #' || number, {p}at, id FROM deployments WHERE id = {p}id";

    /// <summary>What a recovered job's payload says to put back: null when it had not started going live or nothing served before.</summary>
    public static string? PutBackOf(string? payload) => string.IsNullOrEmpty(payload) ? null : payload;

    public static string InterruptedMessage(bool queued, string? putBack) => (queued, putBack) switch
    {
        (true, _) => "The bot stopped before this started, so it did not run.",
        (false, null) => "The bot stopped while this was running, so it did not finish.",
        _ => $"The bot stopped while this was going live, so it did not finish; putting the previous release {putBack} back.",
    };

    public static string Name(DeploymentKind value) => value switch
    {
        DeploymentKind.Rollback => "rollback",
        DeploymentKind.Promote => "promote",
        DeploymentKind.Config => "config",
        DeploymentKind.Task => "task",
        _ => "deploy",
    };

    public static string Name(LockKind value) => value switch { LockKind.Manual => "manual", LockKind.Freeze => "freeze", _ => "deploy" };

    public static string Name(DeploymentState value) => value switch
    {
        DeploymentState.Queued => "queued",
        DeploymentState.Running => "running",
        DeploymentState.Succeeded => "succeeded",
        DeploymentState.Failed => "failed",
        DeploymentState.Cancelled => "cancelled",
        DeploymentState.AwaitingApproval => AwaitingApproval,
        DeploymentState.Rejected => "rejected",
        DeploymentState.Expired => "expired",
        DeploymentState.Waiting => "waiting",
        DeploymentState.Superseded => "superseded",
        _ => "interrupted",
    };

    public static string Name(LineKind value) => value.ToString().ToLowerInvariant();

    public static string Name(AlertSeverity value) => value switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Info => "info",
        _ => "warning",
    };

    public static DeploymentKind DeploymentKindOf(string s) => s switch
    {
        "rollback" => DeploymentKind.Rollback,
        "promote" => DeploymentKind.Promote,
        "config" => DeploymentKind.Config,
        "task" => DeploymentKind.Task,
        _ => DeploymentKind.Deploy,
    };

    public static LockKind LockKindOf(string s) => s switch { "manual" => LockKind.Manual, "freeze" => LockKind.Freeze, _ => LockKind.Deploy };

    public static DeploymentState StateOf(string s) => s switch
    {
        "queued" => DeploymentState.Queued,
        "running" => DeploymentState.Running,
        "succeeded" => DeploymentState.Succeeded,
        "failed" => DeploymentState.Failed,
        "cancelled" => DeploymentState.Cancelled,
        AwaitingApproval => DeploymentState.AwaitingApproval,
        "rejected" => DeploymentState.Rejected,
        "expired" => DeploymentState.Expired,
        "waiting" => DeploymentState.Waiting,
        "superseded" => DeploymentState.Superseded,
        _ => DeploymentState.Interrupted,
    };

    public static LineKind LineKindOf(string s) => Enum.Parse<LineKind>(s, true);

    public static AlertSeverity SeverityOf(string s) => s switch
    {
        "critical" => AlertSeverity.Critical,
        "info" => AlertSeverity.Info,
        _ => AlertSeverity.Warning,
    };
}
