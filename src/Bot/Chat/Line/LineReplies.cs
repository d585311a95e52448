using System.Text.Json.Nodes;
using Bot.Commands;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Chat.Line;

/// <summary>
/// Answers in LINE: with the event's reply token (free, valid once, for about a minute), falling back to a
/// push only when the token can no longer be used. Also the greetings that tell people their ids.
/// </summary>
public sealed class LineReplies(LineApi api, LineOptions options, ILogger<LineReplies> logger)
{
    private static readonly TimeSpan NameLookupBudget = TimeSpan.FromMilliseconds(800);

    /// <summary>The sender's display name for the audit log and cards; their id when LINE will not say.</summary>
    public async Task<string> NameOfAsync(LineSource source)
    {
        if (source.UserId is not { } user) return "someone in this chat";
        if (!options.CanSend) return user;
        try
        {
            using var budget = new CancellationTokenSource(NameLookupBudget);
            return (await api.GetProfileAsync(user, source.GroupId, source.RoomId, budget.Token).ConfigureAwait(false))?.DisplayName ?? user;
        }
        // Polly's rejections too (an open circuit, a time limit): a name is not worth losing the command it came with.
        catch (Exception e) when (e is OperationCanceledException or LineApiException or HttpRequestException or ExecutionRejectedException)
        {
            return user;
        }
    }

    public Task AnswerAsync(LineSource source, CommandResult result, string? replyToken, string? app = null)
    {
        if (result.Started is { State: not Deployments.DeploymentState.AwaitingApproval, Kind: not (Deployments.DeploymentKind.Config or Deployments.DeploymentKind.Task) } d)
        {
            var what = d.Kind == Deployments.DeploymentKind.Rollback
                ? $"Rolling back {d.App} in {d.Env}" + (d.RollbackTo is { } to ? $" to {to}" : $" to {d.RefLabel}")
                : $"Deploying {d.App} {d.RefLabel}" + (d.Env == "production" ? "" : $" to {d.Env}");
            var ack = LineMessages.Text($"{what} (#{d.Number}). I'll send the result here when it's done.");
            ack["quickReply"] = LineMessages.QuickReply([new ChatAction("Cancel", $"cancel {d.App} #{d.Number}", $"Stop #{d.Number} of {d.App}?")], d.App);
            return SendAsync(source, [ack], replyToken);
        }
        return SendAsync(source, LineMessages.From(result.Messages, app), replyToken);
    }

    /// <summary>A tap on a button that needs a yes first (roll back, cancel): ask, with Yes running the command.</summary>
    public Task ConfirmAsync(LineSource source, string data, string? replyToken)
    {
        var bar = data.IndexOf('|');
        var command = bar < 0 ? data : data[..bar];
        var question = bar < 0 ? $"Run `{command}`?" : data[(bar + 1)..];
        return SendAsync(source, [LineMessages.Confirm(question, command)], replyToken);
    }

    /// <summary>Someone added the bot: say what it does, and their id, which an admin needs to let them deploy.</summary>
    public Task GreetAsync(LineSource source, string? replyToken)
    {
        var text = $"Hi! I deploy your team's apps and tell you how it went. Try `apps`, `status` or `help`.\n\n" +
                   $"Your LINE user id is {source.UserId}. To let you deploy, an admin adds `line:{source.UserId}` to an app's `Deployers` in my config.";
        var greeting = LineMessages.Text(text);
        greeting["quickReply"] = LineMessages.QuickReply([], null);
        return SendAsync(source, [greeting], replyToken);
    }

    /// <summary>Added to a group or room: how to talk to the bot there, and the id for alerts.</summary>
    public Task GreetGroupAsync(LineSource source, string? replyToken)
    {
        var text = $"Hello! Mention me or start with / to give me a command here, e.g. `/deploy web`. Type `/help` for more.\n\n" +
                   $"This chat's id is {source.ChatId}: add `line:{source.ChatId}` to an app's `AlertChannels` to get its alerts here.";
        return SendAsync(source, [LineMessages.Text(text)], replyToken);
    }

    private async Task SendAsync(LineSource source, List<JsonObject> messages, string? replyToken)
    {
        if (!options.CanSend)
        {
            logger.LogWarning("LINE_CHANNEL_ACCESS_TOKEN is not set, so I can't answer in LINE");
            return;
        }
        if (replyToken is not null)
        {
            try
            {
                await api.ReplyAsync(replyToken, messages, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (LineApiException e) when (e.Status == 400)
            {
                logger.LogInformation("The reply token expired ({Detail}); pushing the answer instead", e.Detail);
            }
        }
        await api.PushAsync(source.ChatId, messages, Guid.NewGuid(), CancellationToken.None).ConfigureAwait(false);
    }
}
