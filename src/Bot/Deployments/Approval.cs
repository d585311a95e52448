namespace Bot.Deployments;

/// <summary>
/// What a deployment to an environment under the two-person rule waits for: <paramref name="Needed"/> approvals before
/// <paramref name="ExpiresAt"/>. <paramref name="Approvers"/> names who may give them, as the config lists them, for the card.
/// </summary>
public sealed record ApprovalRule(int Needed, DateTimeOffset ExpiresAt, string Approvers);

/// <summary>One person's answer to a deployment waiting for approval; <paramref name="UserId"/> is qualified (<c>slack:U123</c>).</summary>
public sealed record ApprovalVote(string UserId, string UserName, bool Approved, string? Reason, DateTimeOffset At);

/// <summary>A deployment's approval request and the answers it has so far, oldest first.</summary>
public sealed record ApprovalStatus(long DeploymentId, int Needed, DateTimeOffset ExpiresAt, string Approvers, IReadOnlyList<ApprovalVote> Votes)
{
    public IReadOnlyList<ApprovalVote> Approvals => Votes.Where(v => v.Approved).ToList();

    public ApprovalVote? Rejection => Votes.FirstOrDefault(v => !v.Approved);

    public bool IsMet => Approvals.Count >= Needed;

    /// <summary><c>Bob, Carol</c>: who approved, in order.</summary>
    public string ApprovedBy => string.Join(", ", Approvals.Select(v => v.UserName));
}

/// <summary>What recording an answer did.</summary>
public abstract record ApprovalOutcome;

/// <summary>Recorded; <see cref="Deployment"/> is queued now when that was the last approval needed, or ended when it was a rejection.</summary>
public sealed record VoteCounted(Deployment Deployment, ApprovalStatus Status) : ApprovalOutcome;

/// <summary>This person answered already: an approval is recorded once.</summary>
public sealed record AlreadyVoted(Deployment Deployment, ApprovalVote Earlier) : ApprovalOutcome;

/// <summary>The deployment does not wait for approval (any more); null when there is no such deployment.</summary>
public sealed record NotAwaiting(Deployment? Deployment, ApprovalStatus? Status) : ApprovalOutcome;
