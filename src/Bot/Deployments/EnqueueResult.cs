namespace Bot.Deployments;

public abstract record EnqueueResult;

public sealed record Enqueued(Deployment Deployment) : EnqueueResult;

/// <summary>Refused: someone holds the app/environment (a running deployment, a lock, a freeze).</summary>
public sealed record Blocked(LockInfo Lock, Deployment? Holder) : EnqueueResult;
