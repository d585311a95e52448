using Bot.Http;
using System.Text.Json.Nodes;

namespace Bot.Chat.Slack;

/// <summary>Modals: <c>views.open</c>.</summary>
public sealed partial class SlackApi
{
    /// <summary><c>views.open</c>: shows <paramref name="view"/> to the person whose interaction gave <paramref name="triggerId"/> (valid for 3 s).</summary>
    public async Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken)
    {
        // The reference types view as a JSON-encoded string; Slack reads it so in a form body and in a JSON one alike.
        var body = new SlackViewOpenRequest(triggerId, view.ToJsonString());
        await CallAsync("views.open", () => PlatformJson.Content(body, SlackJson.Default.SlackViewOpenRequest), SlackJson.Default.SlackAckResponse,
            BotToken, cancellationToken);
    }
}
