namespace Bot.Commands;

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
