namespace Bot.Deployments;

/// <summary>Where a request came from, and so where its progress goes.</summary>
public sealed record Origin(string Platform, string Conversation, string? Thread, string UserId, string UserName)
{
    /// <summary><c>slack:U123</c>: how users are named in config lists.</summary>
    public string QualifiedUser => $"{Platform}:{UserId}";
}
