namespace Bot.Deployments;

public enum LeaseState { Held, CancelRequested, Lost }
