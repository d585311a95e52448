namespace Bot.Deployments;

/// <summary><see cref="Promote"/>: what serves in another environment (<see cref="Deployment.PromoteFrom"/>) put here as it is.</summary>
public enum DeploymentKind { Deploy, Rollback, Promote }
