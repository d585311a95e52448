namespace Bot.Commands;

public enum ParseErrorKind
{
    Empty,
    UnknownVerb,
    MissingApp,
    Usage,
}
