namespace Bot.Processes;

public sealed record ProcessOutcome(int ExitCode, bool TimedOut, TimeSpan Elapsed);
