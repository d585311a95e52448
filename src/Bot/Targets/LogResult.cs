namespace Bot.Targets;

/// <summary>Log lines, oldest first. <see cref="Note"/> says what was left out or where they came from.</summary>
public sealed record LogResult(IReadOnlyList<string> Lines, string? Note = null);
