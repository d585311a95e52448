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
        var body = Heading(card.Title, card.Summary);
        if (card.Outcome is { } outcome) body.Add((JsonNode)FlexText(outcome, "sm"));
        if (card.LiveNote is { } note) body.Add((JsonNode)FlexText(note, "sm"));
        if (d.State != DeploymentState.Succeeded && card.RecentLines.Count > 0)
            body.Add((JsonNode)FlexText(string.Join('\n', card.RecentLines.TakeLast(5).Select(l => Clip(l, 120))), "xs", color: "#888888"));

        var buttons = new JsonArray();
        if (d.State == DeploymentState.Succeeded && WebButton($"Open {d.App}", d.Url) is { } open) buttons.Add(open);
        if (card.LogUrl is { } log) buttons.Add(UriButton("Full log", log));
        AddActions(buttons, card.Actions.Take(3));
        if (d.State != DeploymentState.Running && d.State != DeploymentState.Queued)
            buttons.Add(Button("secondary", Postback(new ChatAction("Status", $"status {d.App}"), 40)));

        return Flex(Clip($"{card.Title} · {card.Summary}" + (card.Outcome is { } o ? $" · {o}" : ""), MaxAltText), body, buttons, d.App);
    }

    /// <summary>An alert as a Flex bubble: what broke where, how often since when, and buttons for logs, rollback and mute.</summary>
    public static JsonObject Alert(AlertCard card)
    {
        var body = Heading(card.Title, card.Summary);
        if (card.Detail is { } detail) body.Add((JsonNode)FlexText(detail, "sm"));
        var buttons = new JsonArray();
        if (WebButton($"Open in {card.Alert.Source}", card.Alert.Link) is { } open) buttons.Add(open);
        if (card.PageUrl is { } page) buttons.Add(UriButton("Alert page", page));
        AddActions(buttons, card.Actions);
        return Flex(Clip($"{card.Title} · {card.Summary}", MaxAltText), body, buttons, card.Alert.App);
    }

    /// <summary>A Flex message of one bubble: the texts above, the buttons below, and the everyday quick replies for <paramref name="app"/>.</summary>
    private static JsonObject Flex(string altText, JsonArray body, JsonArray buttons, string app) => new()
    {
        ["type"] = "flex",
        ["altText"] = altText,
        ["contents"] = new JsonObject
        {
            ["type"] = "bubble",
            ["body"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = body },
            ["footer"] = new JsonObject { ["type"] = "box", ["layout"] = "vertical", ["spacing"] = "sm", ["contents"] = buttons },
        },
        ["quickReply"] = QuickReply([], app),
    };

    /// <summary>The bold title and the grey summary every card opens with.</summary>
    private static JsonArray Heading(string title, string summary) => new()
    {
        (JsonNode)FlexText(title, "md", bold: true),
        (JsonNode)FlexText(summary, "sm", color: "#666666"),
    };

    /// <summary>The card's next steps as postback buttons, the first one primary.</summary>
    private static void AddActions(JsonArray buttons, IEnumerable<ChatAction> actions)
    {
        foreach (var (action, i) in actions.Select((a, i) => (a, i)))
            buttons.Add(Button(i == 0 ? "primary" : "secondary", Postback(action, 40)));
    }

    /// <summary>A link button to <paramref name="url"/>, or null when it is not an http(s) URL.</summary>
    private static JsonNode? WebButton(string label, string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? UriButton(label, url) : null;

    private static JsonNode UriButton(string label, string uri) =>
        Button("link", new JsonObject { ["type"] = "uri", ["label"] = Clip(label, 40), ["uri"] = uri });

    private static JsonNode Button(string style, JsonObject action) => new JsonObject
    {
        ["type"] = "button", ["style"] = style, ["height"] = "sm", ["action"] = action,
    };

    private static JsonObject FlexText(string text, string size, bool bold = false, string? color = null)
    {
        var node = new JsonObject { ["type"] = "text", ["text"] = Clip(text, 2000), ["size"] = size, ["wrap"] = true };
        if (bold) node["weight"] = "bold";
        if (color is not null) node["color"] = color;
        return node;
    }
}
