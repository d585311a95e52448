namespace Bot.Deployments;

/// <summary>One line of a deployment's story, persisted in order (<see cref="Seq"/> grows).</summary>
public sealed record DeploymentEvent(long DeploymentId, long Seq, DateTimeOffset At, EventKind Kind, string Text);
