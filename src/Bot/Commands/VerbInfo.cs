namespace Bot.Commands;

/// <summary>What <c>help</c> says about a verb, and the names the parser accepts for it.</summary>
public sealed record VerbInfo(string Name, string Usage, string Summary, string[] Examples, string[]? Aliases = null, string? Capability = null);
