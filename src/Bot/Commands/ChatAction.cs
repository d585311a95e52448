namespace Bot.Commands;

/// <summary>A next step offered as a button or quick reply; tapping it runs <see cref="Command"/> as if typed.</summary>
public sealed record ChatAction(string Label, string Command, string? Confirm = null)
{
    /// <summary>A page to open instead of a command to run (a link button; the console prints it).</summary>
    public string? Url { get; init; }
}
