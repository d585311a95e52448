using System.Text.Json.Nodes;

namespace Bot.Chat.Line;

/// <summary>LINE message objects (text, Flex) built from the bot's messages and cards, within LINE's limits.</summary>
public static partial class LineMessages
{
    /// <summary>A text message object.</summary>
    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };
}
