namespace Bot.Deployments.Stats;

/// <summary>A deploy that went live and whose lead time is wanted: its commit, and the commit that was live before it (null: none known).</summary>
public sealed record LeadCandidate(Deployment Deployment, string? PreviousSha);
