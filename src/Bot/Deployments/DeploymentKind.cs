namespace Bot.Deployments;

/// <summary>
/// <see cref="Promote"/>: what serves in another environment (<see cref="Deployment.PromoteFrom"/>) put here as it is.
/// <see cref="Config"/>: a change of the app's config vars, a new release of the same code (its <see cref="Deployment.Subject"/>
/// names the keys, never the values). <see cref="Task"/>: a named one-off task run against the live release (its
/// <see cref="Deployment.Subject"/> is the task's name); it never becomes what is live.
/// </summary>
public enum DeploymentKind { Deploy, Rollback, Promote, Config, Task }
