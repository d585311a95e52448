namespace Bot.Chat;

public enum Tone { Info, Success, Warning, Error }

/// <summary>A next step offered as a button or quick reply; tapping it runs <see cref="Command"/> as if typed.</summary>
public sealed record ChatAction(string Label, string Command, string? Confirm = null);

/// <summary>
/// A platform-neutral reply: a short text (with <c>`code`</c> spans), an optional block of lines (logs,
/// history) and the next actions. Each platform renders it in its own way and within its own limits.
/// </summary>
public sealed record ChatMessage(
    string Text,
    Tone Tone = Tone.Info,
    IReadOnlyList<ChatAction>? Actions = null,
    IReadOnlyList<string>? Lines = null,
    string? LinesTitle = null)
{
    public IReadOnlyList<ChatAction> ActionList => Actions ?? [];
}

/// <summary>Where a message goes: a platform's channel/chat, and a thread in it when there is one.</summary>
public sealed record Conversation(string Platform, string Channel, string? Thread = null);

/// <summary>A chat platform: sends messages and keeps a deployment's card up to date, in its own format.</summary>
public interface IChatPlatform
{
    string Name { get; }

    Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken);

    /// <summary>Shows the card after <paramref name="trigger"/>; platforms that can edit messages update one card in place.</summary>
    Task ShowDeploymentAsync(DeploymentCard card, Deployments.DeploymentEvent trigger, CancellationToken cancellationToken);

    /// <summary>
    /// Shows an alert in <paramref name="to"/>: its first occurrence as a new message, repeats and its resolution
    /// as updates of that message where the platform can edit, within the platform's own limits.
    /// </summary>
    Task ShowAlertAsync(Conversation to, AlertCard card, Alerts.AlertChange change, CancellationToken cancellationToken);

    /// <summary>Completes when every final state already shown has been delivered (shutdown waits for it, within its budget).</summary>
    Task SettleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
