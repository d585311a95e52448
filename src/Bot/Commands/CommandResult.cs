using Bot.Deployments;

namespace Bot.Commands;

/// <summary>What to answer; <see cref="Started"/> is the deployment queued by the command, if any.</summary>
public sealed record CommandResult(IReadOnlyList<ChatMessage> Messages, bool Ok, Deployment? Started = null)
{
    public static CommandResult Reply(string text, Tone tone = Tone.Info, params ChatAction[] actions) =>
        new([new ChatMessage(text, tone, actions)], true);

    public static CommandResult Refuse(string text, params ChatAction[] actions) =>
        new([new ChatMessage(text, Tone.Error, actions)], false);
}
