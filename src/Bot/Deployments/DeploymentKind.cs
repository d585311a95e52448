namespace Bot.Deployments;

public enum DeploymentKind { Deploy, Rollback }
