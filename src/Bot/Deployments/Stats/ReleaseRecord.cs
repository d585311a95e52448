namespace Bot.Deployments.Stats;

/// <summary>
/// A finished release of code (a deploy, rollback or promotion) as the figures read it: the deployment, and whether it
/// had started going live (its runner marked it so), which is what tells a put-back from a failure before anything changed.
/// </summary>
public sealed record ReleaseRecord(Deployment Deployment, bool WentLive);
