namespace Bot.Deployments;

public enum CancelOutcome { CancelledWhileQueued, Signalled, NotActive }
