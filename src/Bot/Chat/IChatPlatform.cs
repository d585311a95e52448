using Bot.Commands;
using Bot.Deployments;

namespace Bot.Chat;

/// <summary>A chat platform: sends messages and keeps a deployment's card up to date, in its own format.</summary>
public interface IChatPlatform
{
    string Name { get; }

    Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken);

    /// <summary>Shows the card after <paramref name="trigger"/>; platforms that can edit messages update one card in place.</summary>
    Task ShowDeploymentAsync(DeploymentCard card, StoryLine trigger, CancellationToken cancellationToken);

    /// <summary>
    /// Shows an alert in <paramref name="to"/>: its first occurrence as a new message, repeats and its resolution
    /// as updates of that message where the platform can edit, within the platform's own limits.
    /// </summary>
    Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken);

    /// <summary>
    /// Edits a card in place at no cost to the conversation (Slack): while a step runs without output, its card is drawn
    /// again now and then (<see cref="DeploymentCards.RedrawEvery"/>) so its times move on.
    /// </summary>
    bool RedrawsInPlace => false;

    /// <summary>Completes when every final state already shown has been delivered (shutdown waits for it, within its budget).</summary>
    Task SettleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Completes when nothing is being sent and nothing shown is due now (what waits for a slot or a pause still waits).</summary>
    Task IdleAsync() => Task.CompletedTask;

    /// <summary>Completes once the final state of <paramref name="d"/>'s card, already shown, has been delivered or given up.</summary>
    Task CardDeliveredAsync(Deployment d) => Task.CompletedTask;
}
