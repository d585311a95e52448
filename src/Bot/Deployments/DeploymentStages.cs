namespace Bot.Deployments;

/// <summary>The order of a deployment's states, so nothing shown goes back: awaiting approval, queued, running, ended.</summary>
public static class DeploymentStages
{
    public static int Stage(DeploymentState? state) => state switch
    {
        null => -2,
        DeploymentState.AwaitingApproval => -1,
        DeploymentState.Queued => 0,
        DeploymentState.Running => 1,
        _ => 2,
    };
}
