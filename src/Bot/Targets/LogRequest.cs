namespace Bot.Targets;

public sealed record LogRequest(int Lines, TimeSpan? Since, string? Grep, IReadOnlyDictionary<string, string> Options);
