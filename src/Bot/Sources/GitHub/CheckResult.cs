namespace Bot.Sources.GitHub;

/// <summary>
/// One CI check of a commit, whether GitHub has it as a check run or a commit status: its name (a check run's name, a
/// status's context), where it stands, the word a person would use for that ("in progress", "timed out") and its page.
/// </summary>
public sealed record CheckResult(string Name, CheckState State, string Detail, string? Url);
