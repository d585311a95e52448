namespace Bot.Deployments;

public sealed record Job(long Id, string Kind, long? DeploymentId, string? Payload, int Attempts);
