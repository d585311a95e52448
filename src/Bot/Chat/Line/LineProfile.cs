namespace Bot.Chat.Line;

public sealed record LineProfile(string UserId, string DisplayName);
