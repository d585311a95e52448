namespace Bot.Deployments;

/// <summary>Who holds an app/environment and why. A freeze is a lock on <c>*</c>/<c>*</c>.</summary>
public sealed record LockInfo(
    string App, string Env, LockKind Kind, string HolderId, string HolderName, string? Reason, DateTimeOffset Since, long? DeploymentId)
{
    public const string All = "*";
}
