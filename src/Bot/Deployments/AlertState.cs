namespace Bot.Deployments;

public enum AlertState { Firing, Resolved }
