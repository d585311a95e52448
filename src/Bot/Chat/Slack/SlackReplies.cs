using System.Text;
using System.Text.Json.Nodes;
using Bot.Commands;
using Bot.Deployments;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Chat.Slack;

/// <summary>
/// Sends a command's answer back to Slack the right way for where it came from: in the HTTP answer
/// or through <c>response_url</c> (visible only to the person), or as a message in the channel or thread.
/// Long log excerpts also go up as a file.
/// </summary>
public sealed class SlackReplies(SlackApi api, SlackOptions options, SlackUserCache users, TimeProvider time, BackgroundWork background, ILogger<SlackReplies> logger)
{
    private static readonly TimeSpan NameLookupBudget = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// The person's Slack display name from the cache; else, when the request names them (slash commands and buttons
    /// carry <c>user_name</c>), that name at once while the display name is looked up off the answering path for next
    /// time; else (a mention) a lookup within a short budget. A lookup that failed is not tried again for a while.
    /// </summary>
    public async Task<string> NameOfAsync(string userId, string? fallback, CancellationToken cancellationToken)
    {
        if (!options.CanSend || userId.Length == 0) return fallback ?? userId;
        var now = time.GetUtcNow();
        if (users.NameOf(userId, now) is { } known) return known;
        if (users.FailedLately(userId, now)) return fallback ?? userId;
        if (fallback is not null)
        {
            background.Run("Looking up a Slack display name", () => LookUpAsync(userId, CancellationToken.None));
            return fallback;
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(NameLookupBudget);
        return await LookUpAsync(userId, budget.Token).ConfigureAwait(false) ?? userId;
    }

    /// <summary>Looks the person up (the answer is cached by <see cref="SlackApi"/>); a failure is remembered, never thrown.</summary>
    private async Task<string?> LookUpAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            if (await api.GetUserAsync(userId, cancellationToken).ConfigureAwait(false) is { } user) return user.Shown;
        }
        // Polly's rejections too (an open circuit, a time limit): a name is not worth losing the command it came with.
        catch (Exception e) when (e is OperationCanceledException or SlackApiException or HttpRequestException or ExecutionRejectedException)
        {
            logger.LogDebug("Looking up Slack user {User} failed: {Error}", userId, e.Message);
        }
        users.Failed(userId, time.GetUtcNow());
        return null;
    }

    /// <summary>The body of the HTTP answer to a slash command.</summary>
    public JsonObject Answer(CommandResult result, Origin origin, string? responseUrl)
    {
        UploadLongLines(result, origin);
        return Ephemeral(result.Messages.ToArray());
    }

    /// <summary>
    /// An answer that comes later (button taps, mentions, slow commands). Without <paramref name="shareFiles"/> (a button one
    /// person tapped) the answer is that person's only: long logs are not also uploaded to the channel.
    /// </summary>
    public async Task SendAsync(CommandResult result, Origin origin, string? responseUrl, CancellationToken cancellationToken, bool shareFiles = true)
    {
        if (shareFiles || responseUrl is null) UploadLongLines(result, origin);
        var blocks = Blocks(result.Messages);
        var text = Fallback(result.Messages);
        if (responseUrl is not null)
        {
            await api.RespondAsync(responseUrl, new SlackOutgoing(origin.Conversation, text, blocks), SlackResponseMode.Ephemeral, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await api.PostMessageAsync(new SlackOutgoing(origin.Conversation, text, blocks, origin.Thread), cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException e)
        {
            logger.LogWarning("Could not answer in {Channel}: {Error}", origin.Conversation, e.Error);
        }
    }

    /// <summary>
    /// An answer for the person alone: a message in a direct message with the bot, else one only they see in the channel
    /// (<c>chat.postEphemeral</c>); where that is refused (the bot is not in the channel), a direct message to them.
    /// </summary>
    public async Task TellPrivatelyAsync(CommandResult result, Origin origin, CancellationToken cancellationToken)
    {
        var (text, blocks) = (Fallback(result.Messages), Blocks(result.Messages));
        try
        {
            if (Access.IsDirect(origin) || origin.Conversation == origin.UserId)
                await api.PostMessageAsync(new SlackOutgoing(origin.Conversation, text, blocks, origin.Thread), cancellationToken).ConfigureAwait(false);
            else
                await api.PostEphemeralAsync(origin.UserId, new SlackOutgoing(origin.Conversation, text, blocks, origin.Thread), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (SlackApiException e) when (!Access.IsDirect(origin))
        {
            logger.LogInformation("Could not answer {User} in {Channel} ({Error}); sending a direct message instead", origin.UserId, origin.Conversation, e.Error);
        }
        try
        {
            await api.PostMessageAsync(new SlackOutgoing(origin.UserId, text, Blocks(result.Messages)), cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException e)
        {
            logger.LogWarning("Could not answer {User} in a direct message either: {Error}", origin.UserId, e.Error);
        }
    }

    public static JsonObject Ephemeral(params ChatMessage[] messages) => new()
    {
        ["response_type"] = "ephemeral",
        ["text"] = Fallback(messages),
        ["blocks"] = Blocks(messages),
    };

    private static JsonArray Blocks(IReadOnlyList<ChatMessage> messages)
    {
        var blocks = new JsonArray();
        foreach (var (message, i) in messages.Select((m, i) => (m, i)))
        {
            if (i > 0) blocks.Add((JsonNode)new JsonObject { ["type"] = "divider" });
            foreach (var block in SlackBlocks.Message(message).ToList())
            {
                SlackBlocksHelp.Detach(block);
                blocks.Add(block);
            }
        }
        return blocks;
    }

    /// <summary>What notifications and screen readers show: the first lines of text.</summary>
    private static string Fallback(IReadOnlyList<ChatMessage> messages)
    {
        var text = string.Join('\n', messages.Select(m => m.Text));
        return text.Length <= 300 ? text : text[..299] + "…";
    }

    /// <summary>More log lines than fit a phone screen: the message shows the last few, the file has them all.</summary>
    private void UploadLongLines(CommandResult result, Origin origin)
    {
        if (!options.CanSend) return;
        foreach (var m in result.Messages.Where(m => m.Lines is { Count: > SlackBlocks.MaxCodeLines } && m.LinesTitle is { } t && t.StartsWith("logs", StringComparison.Ordinal)))
        {
            var content = Encoding.UTF8.GetBytes(string.Join('\n', m.Lines!) + "\n");
            var upload = new SlackUpload(origin.Conversation, origin.Thread, $"{m.LinesTitle}.log", m.Text, content, null);
            background.Run($"Uploading {upload.FileName}", () => api.UploadFileAsync(upload, CancellationToken.None));
        }
    }
}

internal static class SlackBlocksHelp
{
    /// <summary>A node can have one parent; take it out of the array it was built in before reusing it.</summary>
    public static void Detach(JsonNode? node)
    {
        if (node?.Parent is JsonArray parent) parent.Remove(node);
    }
}
