namespace Bot.Chat.Slack;

public sealed record SlackPosted(string Channel, string Ts);
