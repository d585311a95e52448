namespace Bot.Commands;

/// <summary>Where a message goes: a platform's channel/chat, and a thread in it when there is one.</summary>
public sealed record Conversation(string Platform, string Channel, string? Thread = null);
