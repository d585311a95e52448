namespace Bot.Deployments;

/// <summary>One command and what came of it. <see cref="Result"/> is the answer's first words; <see cref="Outcome"/> one of <see cref="AuditOutcome"/>.</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string Platform, string Conversation, string UserId, string UserName, string Command, string? App, string Result)
{
    /// <summary>The <c>People</c> name of whoever sent it, when they are listed there.</summary>
    public string? Person { get; init; }

    public string? Outcome { get; init; }

    public string? Env { get; init; }

    /// <summary><c>slack:U123</c>.</summary>
    public string Identity => $"{Platform}:{UserId}";
}
