namespace Bot.Deployments;

/// <summary>A deployment's approval request and the answers it has so far, oldest first.</summary>
public sealed record ApprovalStatus(long DeploymentId, int Needed, DateTimeOffset ExpiresAt, string Approvers, IReadOnlyList<ApprovalVote> Votes)
{
    public IReadOnlyList<ApprovalVote> Approvals => Votes.Where(v => v.Approved).ToList();

    public ApprovalVote? Rejection => Votes.FirstOrDefault(v => !v.Approved);

    public bool IsMet => Approvals.Count >= Needed;

    /// <summary><c>Bob, Carol</c>: who approved, in order.</summary>
    public string ApprovedBy => string.Join(", ", Approvals.Select(v => v.UserName));
}
