using System.Text.Json.Nodes;

namespace Bot.Chat.Slack;

/// <summary>
/// What arrives from Slack, already verified (by signature over HTTP, or by the Socket Mode
/// connection), whichever way it came. Each returns the body to answer with, or null for an empty ack.
/// </summary>
public interface ISlackInbound
{
    /// <summary>A slash command: the form fields (<c>command</c>, <c>text</c>, <c>user_id</c>, <c>channel_id</c>, <c>trigger_id</c>, <c>response_url</c>...).</summary>
    Task<JsonObject?> SlashCommandAsync(IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken);

    /// <summary>An interaction payload (<c>block_actions</c>, <c>view_submission</c>).</summary>
    Task<JsonObject?> InteractionAsync(JsonObject payload, CancellationToken cancellationToken);

    /// <summary>An Events API envelope (<c>event_callback</c> with <c>app_mention</c> or <c>message</c>).</summary>
    Task EventAsync(JsonObject envelope, CancellationToken cancellationToken);
}
