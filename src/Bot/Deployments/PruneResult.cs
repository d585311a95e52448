namespace Bot.Deployments;

/// <summary>What one short prune step removed: output lines, and deployments whose output is now all gone.</summary>
public sealed record PruneResult(int Lines, int Deployments);
