namespace Bot.Chat.Slack;

/// <summary>A shared file as <c>files.info</c> describes it; <see cref="Download"/> needs the bot token.</summary>
public sealed record SlackFile(string Id, string Name, long Size, string? MimeType, string? Download);
