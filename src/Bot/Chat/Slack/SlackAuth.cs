namespace Bot.Chat.Slack;

public sealed record SlackAuth(string UserId, string? BotId, string? Team, string? Url);
