namespace Bot.Deployments;

/// <summary>One person's answer to a deployment waiting for approval; <paramref name="UserId"/> is qualified (<c>slack:U123</c>).</summary>
public sealed record ApprovalVote(string UserId, string UserName, bool Approved, string? Reason, DateTimeOffset At);
