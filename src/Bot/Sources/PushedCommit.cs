namespace Bot.Sources;

/// <summary>One commit a push brought: its sha and the first line of its message.</summary>
public sealed record PushedCommit(string Sha, string Subject);
