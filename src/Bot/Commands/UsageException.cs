namespace Bot.Commands;

internal sealed class UsageException(string message, ParseErrorKind kind = ParseErrorKind.Usage) : Exception(message)
{
    public ParseErrorKind Kind { get; } = kind;
}
