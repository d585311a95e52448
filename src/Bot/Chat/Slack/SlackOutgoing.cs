using System.Text.Json.Nodes;

namespace Bot.Chat.Slack;

/// <summary>A message to send: fallback <see cref="Text"/> (also what notifications show) and Block Kit <see cref="Blocks"/>.</summary>
public sealed record SlackOutgoing(string Channel, string Text, JsonArray? Blocks = null, string? ThreadTs = null);
