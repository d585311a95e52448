namespace Bot.Deployments;

/// <summary>
/// <see cref="AwaitingApproval"/> holds the app/env lock until enough approvals queue it; <see cref="Rejected"/> and
/// <see cref="Expired"/> end a deployment that waited and never ran.
/// </summary>
public enum DeploymentState { Queued, Running, Succeeded, Failed, Cancelled, Interrupted, AwaitingApproval, Rejected, Expired }
