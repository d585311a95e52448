namespace Bot.Deployments.Pushes;

/// <summary>How a deployment's state reads as a GitHub deployment status, and what the deployment is called there.</summary>
public static class GitHubStatus
{
    /// <summary>
    /// Ends that never ran (superseded, cancelled, rejected, expired) are <c>inactive</c>: GitHub would otherwise keep
    /// showing the <c>queued</c> or <c>in_progress</c> it was last told. An interruption is the bot's own <c>error</c>.
    /// </summary>
    public static string Of(DeploymentState state) => state switch
    {
        DeploymentState.Waiting or DeploymentState.Queued or DeploymentState.AwaitingApproval => "queued",
        DeploymentState.Running => "in_progress",
        DeploymentState.Succeeded => "success",
        DeploymentState.Failed => "failure",
        DeploymentState.Interrupted => "error",
        DeploymentState.Superseded or DeploymentState.Cancelled or DeploymentState.Rejected or DeploymentState.Expired => "inactive",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>A state that only clears what GitHub shows: a deployment GitHub was never told of is not created for it.</summary>
    public static bool OnlyClears(DeploymentState state) => Of(state) == "inactive";

    /// <summary><c>web #12 main@abc1234 by ana</c>; a rollback or promotion says so.</summary>
    public static string Describe(Deployment d) => d.Kind switch
    {
        DeploymentKind.Rollback => $"{d.App} #{d.Number} rollback to {d.RollbackTo ?? d.RefLabel} by {d.Origin.UserName}",
        DeploymentKind.Promote => $"{d.App} #{d.Number} {d.RefLabel} promoted from {d.PromoteFrom} by {d.Origin.UserName}",
        _ => $"{d.App} #{d.Number} {d.RefLabel} by {d.Origin.UserName}",
    };

    /// <summary>What the status says next to its state.</summary>
    public static string Says(Deployment d) => d.State switch
    {
        DeploymentState.Waiting => "Waiting for its checks or its turn",
        DeploymentState.AwaitingApproval => "Awaiting approval",
        DeploymentState.Queued => "Queued",
        DeploymentState.Running => d.Kind switch { DeploymentKind.Rollback => "Rolling back", DeploymentKind.Promote => "Promoting", _ => "Deploying" },
        DeploymentState.Succeeded => d.Release is { } release ? $"{release} is live" : "Live",
        _ => d.Message ?? DeploymentFeed.Name(d.State),
    };

    /// <summary>GitHub marks a production environment's deployments so; the bot's are named by convention.</summary>
    public static bool IsProduction(string env) =>
        env.Equals("production", StringComparison.OrdinalIgnoreCase) || env.Equals("prod", StringComparison.OrdinalIgnoreCase);
}
