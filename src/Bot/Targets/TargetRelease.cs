namespace Bot.Targets;

public sealed record TargetRelease(string Name, string Description, string? By, DateTimeOffset At, bool Current, string? Status);
