namespace Bot.Commands;

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
