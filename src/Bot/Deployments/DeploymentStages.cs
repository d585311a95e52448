namespace Bot.Deployments;

/// <summary>
/// The order of a deployment's states, so nothing shown goes back: waiting for the gate (a push), awaiting approval,
/// queued, running, ended. Waiting is the earliest: a pushed deploy's card that showed it must still show it run.
/// </summary>
public static class DeploymentStages
{
    public static int Stage(DeploymentState? state) => state switch
    {
        null => -3,
        DeploymentState.Waiting => -2,
        DeploymentState.AwaitingApproval => -1,
        DeploymentState.Queued => 0,
        DeploymentState.Running => 1,
        _ => 2,
    };
}
