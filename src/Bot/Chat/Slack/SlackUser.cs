namespace Bot.Chat.Slack;

public sealed record SlackUser(string Id, string Name, string? DisplayName, string? RealName)
{
    /// <summary>The name people see in Slack: display name, else real name, else the handle.</summary>
    public string Shown => !string.IsNullOrWhiteSpace(DisplayName) ? DisplayName : !string.IsNullOrWhiteSpace(RealName) ? RealName : Name;
}
