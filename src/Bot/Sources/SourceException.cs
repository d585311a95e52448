namespace Bot.Sources;

/// <summary>A source problem to show in chat (unreachable repository, no Repository key).</summary>
public sealed class SourceException(string message, string hint) : Exception(message)
{
    public string Hint { get; } = hint;
}
