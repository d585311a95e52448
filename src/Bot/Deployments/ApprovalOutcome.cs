namespace Bot.Deployments;

/// <summary>What recording an answer did.</summary>
public abstract record ApprovalOutcome;

/// <summary>Recorded; <see cref="Deployment"/> is queued now when that was the last approval needed, or ended when it was a rejection.</summary>
public sealed record VoteCounted(Deployment Deployment, ApprovalStatus Status) : ApprovalOutcome;

/// <summary>This person answered already: an approval is recorded once.</summary>
public sealed record AlreadyVoted(Deployment Deployment, ApprovalVote Earlier) : ApprovalOutcome;

/// <summary>The deployment does not wait for approval (any more); null when there is no such deployment.</summary>
public sealed record NotAwaiting(Deployment? Deployment, ApprovalStatus? Status) : ApprovalOutcome;
