namespace Bot.Deployments;

/// <summary>
/// <see cref="AwaitingApproval"/> holds the app/env lock until enough approvals queue it; <see cref="Rejected"/> and
/// <see cref="Expired"/> end a deployment that waited and never ran. <see cref="Waiting"/> holds no lock: it waits for
/// its CI checks or for its turn (a pushed deploy while another runs), and a newer push of the same branch ends it
/// <see cref="Superseded"/>.
/// </summary>
public enum DeploymentState { Queued, Running, Succeeded, Failed, Cancelled, Interrupted, AwaitingApproval, Rejected, Expired, Waiting, Superseded }
