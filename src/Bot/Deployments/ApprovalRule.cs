namespace Bot.Deployments;

/// <summary>
/// What a deployment to an environment under the two-person rule waits for: <paramref name="Needed"/> approvals before
/// <paramref name="ExpiresAt"/>. <paramref name="Approvers"/> names who may give them, as the config lists them, for the card.
/// </summary>
public sealed record ApprovalRule(int Needed, DateTimeOffset ExpiresAt, string Approvers);
