using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;

namespace Bot.Chat.Line;

public static partial class LineMessages
{
    /// <summary>The result of a deployment as a Flex bubble: what, where, who, how long, the link, and buttons for what comes next.</summary>
    public static JsonObject Card(DeploymentCard card)
    {
        var d = card.Deployment;
        var body = new JsonArray
        {
            (JsonNode)FlexText(card.Title, "md", bold: true),
            (JsonNode)FlexText(card.Summary, "sm", color: "#666666"),
        };
        if (card.Outcome is { } outcome) body.Add((JsonNode)FlexText(outcome, "sm"));
        if (card.LiveNote is { } note) body.Add((JsonNode)FlexText(note, "sm"));
        if (d.State != DeploymentState.Succeeded && card.RecentLines.Count > 0)
            body.Add((JsonNode)FlexText(string.Join('\n', card.RecentLines.TakeLast(5).Select(l => Clip(l, 120))), "xs", color: "#888888"));

        var buttons = new JsonArray();
        if (d.State == DeploymentState.Succeeded && d.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var link) && link.Scheme is "https" or "http")
            buttons.Add((JsonNode)new JsonObject
            {
                ["type"] = "button", ["style"] = "link", ["height"] = "sm",
                ["action"] = new JsonObject { ["type"] = "uri", ["label"] = Clip($"Open {d.App}", 40), ["uri"] = url },
            });
        if (card.LogUrl is { } log) buttons.Add(UriButton("Full log", log));
        foreach (var (action, i) in card.Actions.Take(3).Select((a, i) => (a, i)))
            buttons.Add((JsonNode)new JsonObject
            {
                ["type"] = "button", ["style"] = i == 0 ? "primary" : "secondary", ["height"] = "sm",
                ["action"] = Postback(action, 40),
            });
        if (d.State != DeploymentState.Running && d.State != DeploymentState.Queued)
            buttons.Add((JsonNode)new JsonObject
            {
                ["type"] = "button", ["style"] = "secondary", ["height"] = "sm",
                ["action"] = Postback(new ChatAction("Status", $"status {d.App}"), 40),
            });

        var bubble = new JsonObject
        {
            ["type"] = "bubble",
            ["body"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = body },
            ["footer"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = buttons },
        };
        return new JsonObject
        {
            ["type"] = "flex",
            ["altText"] = Clip($"{card.Title} · {card.Summary}" + (card.Outcome is { } o ? $" · {o}" : ""), MaxAltText),
            ["contents"] = bubble,
            ["quickReply"] = QuickReply([], d.App),
        };
    }

    /// <summary>An alert as a Flex bubble: what broke where, how often since when, and buttons for logs, rollback and mute.</summary>
    public static JsonObject Alert(AlertCard card)
    {
        var body = new JsonArray
        {
            (JsonNode)FlexText(card.Title, "md", bold: true),
            (JsonNode)FlexText(card.Summary, "sm", color: "#666666"),
        };
        if (card.Detail is { } detail) body.Add((JsonNode)FlexText(detail, "sm"));
        var buttons = new JsonArray();
        if (card.Alert.Link is { } link && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            buttons.Add((JsonNode)new JsonObject
            {
                ["type"] = "button", ["style"] = "link", ["height"] = "sm",
                ["action"] = new JsonObject { ["type"] = "uri", ["label"] = Clip($"Open in {card.Alert.Source}", 40), ["uri"] = link },
            });
        if (card.PageUrl is { } page) buttons.Add(UriButton("Alert page", page));
        foreach (var (action, i) in card.Actions.Select((a, i) => (a, i)))
            buttons.Add((JsonNode)new JsonObject
            {
                ["type"] = "button", ["style"] = i == 0 ? "primary" : "secondary", ["height"] = "sm", ["action"] = Postback(action, 40),
            });
        var bubble = new JsonObject
        {
            ["type"] = "bubble",
            ["body"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = body },
            ["footer"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = buttons },
        };
        return new JsonObject
        {
            ["type"] = "flex",
            ["altText"] = Clip($"{card.Title} · {card.Summary}", MaxAltText),
            ["contents"] = bubble,
            ["quickReply"] = QuickReply([], card.Alert.App),
        };
    }

    private static JsonNode UriButton(string label, string uri) => new JsonObject
    {
        ["type"] = "button", ["style"] = "link", ["height"] = "sm",
        ["action"] = new JsonObject { ["type"] = "uri", ["label"] = label, ["uri"] = uri },
    };

    private static JsonObject FlexText(string text, string size, bool bold = false, string? color = null)
    {
        var node = new JsonObject { ["type"] = "text", ["text"] = Clip(text, 2000), ["size"] = size, ["wrap"] = true };
        if (bold) node["weight"] = "bold";
        if (color is not null) node["color"] = color;
        return node;
    }
}
