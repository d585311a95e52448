using Bot.Commands;
using Bot.Deployments;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack as a chat platform. A deployment is one message (its card), posted when it is queued and edited in
/// place as it goes, with its build output in the card's thread; an alert is one message whose count and state
/// are edited in place. Both go through <see cref="SlackLiveMessages"/>: about one edit a second per message.
/// </summary>
public sealed class SlackPlatform(SlackApi api, SlackOptions options, SlackLiveMessages live) : IChatPlatform
{
    public const string CardNote = "slack-card", AlertNote = "slack-alert";

    public string Name => "slack";

    public async Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        await api.PostMessageAsync(new SlackOutgoing(to.Channel, message.Text, SlackBlocks.Message(message), to.Thread), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An edit costs nothing but a slot of the 1-per-second budget, which the live message keeps.</summary>
    public bool RedrawsInPlace => true;

    public Task ShowDeploymentAsync(DeploymentCard card, StoryLine trigger, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return Task.CompletedTask;
        var d = card.Deployment;
        var line = trigger.Kind is LineKind.Output or LineKind.ErrorOutput ? trigger.Text : null;
        return live.ShowAsync(new LiveUpdate(d.Id.ToString(), CardNote, d.Origin.Conversation, d.Origin.Thread, card.Title, SlackBlocks.Card(card),
            d.IsFinished, line, d.Origin.IsChatUser ? d.Origin.UserId : null), cancellationToken);
    }

    public Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return Task.CompletedTask;
        return live.ShowAsync(new LiveUpdate($"{card.Alert.Id}:{to.Channel}", AlertNote, to.Channel, to.Thread, card.Title, SlackBlocks.Alert(card),
            card.IsResolved), cancellationToken);
    }

    /// <summary>Completes when nothing is being sent and nothing is due now (tests).</summary>
    public Task SettleAsync() => live.SettleAsync();

    public Task IdleAsync() => live.SettleAsync();

    public Task CardDeliveredAsync(Deployment d) => live.DeliveredAsync(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Final states wait for no edit slot at shutdown: they are sent as soon as their turn comes, before the bot exits.</summary>
    public Task SettleAsync(CancellationToken cancellationToken) => live.SettleFinalsAsync(cancellationToken);
}
