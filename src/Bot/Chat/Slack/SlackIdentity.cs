namespace Bot.Chat.Slack;

/// <summary>Who the bot is in Slack (from <c>auth.test</c> at start), so it never answers itself.</summary>
public sealed class SlackIdentity
{
    public string? UserId { get; set; }
    public string? Team { get; set; }
}
