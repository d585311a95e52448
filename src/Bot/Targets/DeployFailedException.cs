namespace Bot.Targets;

/// <summary>A deploy that failed for a reason to show in chat (no stack trace): what happened and what to do.</summary>
public sealed class DeployFailedException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}
