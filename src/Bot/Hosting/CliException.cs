namespace Bot.Hosting;

public sealed class CliException(string message) : Exception(message);
