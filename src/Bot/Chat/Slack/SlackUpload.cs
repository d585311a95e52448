namespace Bot.Chat.Slack;

public sealed record SlackUpload(string Channel, string? ThreadTs, string FileName, string Title, byte[] Content, string? Comment);
