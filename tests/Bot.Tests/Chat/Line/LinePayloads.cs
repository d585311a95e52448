using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Line;

/// <summary>Webhook bodies shaped as LINE's webhook spec (tests/specs/line/webhook.yml) describes them.</summary>
public static class LinePayloads
{
    public const string Destination = "U0123456789abcdef0123456789abcdef";
    public const string Alice = "U4af4980629e8c1b1d7e5f4b3e2f1a0b9";
    public const string Group = "Cf1e2d3c4b5a69788796a5b4c3d2e1f00";

    public static JsonObject Source(string? group = null, string user = Alice) => group is null
        ? new JsonObject { ["type"] = "user", ["userId"] = user }
        : new JsonObject { ["type"] = "group", ["groupId"] = group, ["userId"] = user };

    public static JsonObject Text(string text, string eventId, string replyToken = "reply-token-1", JsonObject? source = null,
        bool redelivery = false, JsonObject? mention = null)
    {
        var message = new JsonObject { ["id"] = "468789577898262530", ["type"] = "text", ["quoteToken"] = "q3Plxr4AgKd4bE0FTL34aLLZN3Ux", ["text"] = text };
        if (mention is not null) message["mention"] = mention;
        return Event("message", eventId, source, redelivery, replyToken, ("message", message));
    }

    /// <summary>A file someone sent (webhook.yml's FileMessageContent): its bytes are fetched by message id from the data host.</summary>
    public static JsonObject File(string messageId, string fileName, long fileSize, string eventId, string replyToken = "reply-token-file", JsonObject? source = null) =>
        Event("message", eventId, source, false, replyToken,
            ("message", new JsonObject { ["id"] = messageId, ["type"] = "file", ["fileName"] = fileName, ["fileSize"] = fileSize }));

    public static JsonObject Postback(string data, string eventId, string replyToken = "reply-token-2", JsonObject? source = null) =>
        Event("postback", eventId, source, false, replyToken, ("postback", new JsonObject { ["data"] = data }));

    public static JsonObject Follow(string eventId) =>
        Event("follow", eventId, null, false, "reply-token-follow", ("follow", new JsonObject { ["isUnblocked"] = false }));

    public static JsonObject Join(string eventId, string group = Group) =>
        Event("join", eventId, new JsonObject { ["type"] = "group", ["groupId"] = group }, false, "reply-token-join");

    public static JsonObject SelfMention(int index, int length) => new()
    {
        ["mentionees"] = new JsonArray { (JsonNode)new JsonObject { ["index"] = index, ["length"] = length, ["type"] = "user", ["userId"] = Destination, ["isSelf"] = true } },
    };

    public static string Body(params JsonObject[] events) =>
        new JsonObject { ["destination"] = Destination, ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString();

    private static JsonObject Event(string type, string eventId, JsonObject? source, bool redelivery, string? replyToken, params (string Key, JsonNode Value)[] extra)
    {
        var e = new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = 1732540800000,
            ["mode"] = "active",
            ["webhookEventId"] = eventId,
            ["deliveryContext"] = new JsonObject { ["isRedelivery"] = redelivery },
            ["source"] = source?.DeepClone() ?? Source(),
        };
        if (replyToken is not null) e["replyToken"] = replyToken;
        foreach (var (k, v) in extra) e[k] = v;
        return e;
    }
}
