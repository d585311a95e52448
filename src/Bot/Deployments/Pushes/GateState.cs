namespace Bot.Deployments.Pushes;

public enum GateState { Passed, Pending, Failed }
