namespace Bot.Chat.Slack;

public enum SlackResponseMode { Ephemeral, InChannel, ReplaceOriginal }
