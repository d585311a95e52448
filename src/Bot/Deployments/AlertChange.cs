namespace Bot.Deployments;

/// <summary>What recording an alert did: a new one, one more of an open one, or the end of one.</summary>
public enum AlertChange { New, Repeated, Resolved, NothingOpen }
