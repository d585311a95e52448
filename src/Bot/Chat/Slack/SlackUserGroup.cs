namespace Bot.Chat.Slack;

public sealed record SlackUserGroup(string Id, string Handle, string? Name);
