namespace Bot.Deployments;

/// <summary>
/// Where a request came from, and so where its progress goes. A push has the app's channel as its conversation and the
/// pusher as an identity of another platform (<c>github:ana</c>), kept whole in <see cref="UserId"/>.
/// </summary>
public sealed record Origin(string Platform, string Conversation, string? Thread, string UserId, string UserName)
{
    /// <summary><c>slack:U123</c>: how users are named in config lists.</summary>
    public string QualifiedUser => IsChatUser ? $"{Platform}:{UserId}" : UserId;

    /// <summary>The user is someone on <see cref="Platform"/> (false for a pusher known only to git or GitHub).</summary>
    public bool IsChatUser => !UserId.Contains(':', StringComparison.Ordinal);
}
