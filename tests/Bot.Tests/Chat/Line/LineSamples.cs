using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Line;

/// <summary>Message objects shaped like the examples on LINE's reference pages, for tests to send and to break.</summary>
public static class LineSamples
{
    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    /// <summary>A deployment card: a bubble with a header, a body of text and a separator, and a footer of two buttons.</summary>
    public static JsonObject Flex(string altText = "web #7 is live") => (JsonObject)JsonNode.Parse($$"""
        {
          "type": "flex",
          "altText": {{JsonValue.Create(altText).ToJsonString()}},
          "contents": {
            "type": "bubble",
            "size": "kilo",
            "header": { "type": "box", "layout": "vertical", "contents": [ { "type": "text", "text": "web #7", "weight": "bold" } ] },
            "body": {
              "type": "box", "layout": "vertical", "spacing": "sm",
              "contents": [
                { "type": "text", "text": "Succeeded in 1m 42s", "wrap": true, "color": "#1DB446" },
                { "type": "separator", "margin": "md" },
                { "type": "box", "layout": "baseline", "contents": [
                  { "type": "text", "text": "ref", "flex": 1, "size": "sm" },
                  { "type": "text", "text": "main @ 3f2c1ab", "flex": 4, "size": "sm" } ] }
              ]
            },
            "footer": {
              "type": "box", "layout": "horizontal",
              "contents": [
                { "type": "button", "style": "primary", "height": "sm",
                  "action": { "type": "postback", "label": "Roll back", "data": "rollback:web:7", "displayText": "Roll back web #7" } },
                { "type": "button", "style": "link", "height": "sm",
                  "action": { "type": "uri", "label": "Logs", "uri": "https://deploybot.test/deploys/7" } }
              ]
            }
          }
        }
        """)!;

    /// <summary>A text message with quick reply buttons, one per label.</summary>
    public static JsonObject WithQuickReplies(string text, params string[] labels) => new()
    {
        ["type"] = "text",
        ["text"] = text,
        ["quickReply"] = new JsonObject
        {
            ["items"] = new JsonArray([.. labels.Select(l => (JsonNode)new JsonObject
            {
                ["type"] = "action",
                ["action"] = new JsonObject { ["type"] = "postback", ["label"] = l, ["data"] = $"pick:{l}" },
            })]),
        },
    };

    /// <summary>The first button of <see cref="Flex"/>: a place to put a broken action.</summary>
    public static JsonObject FirstButton(JsonObject flex) => flex["contents"]!["footer"]!["contents"]![0]!.AsObject();
}
