namespace Bot.Sources;

/// <summary>The outcome of resolving a ref: a commit, or why not with the closest names that exist.</summary>
public sealed record ResolveResult(ResolvedCommit? Commit, string? Error, IReadOnlyList<string> Closest)
{
    public static ResolveResult Found(ResolvedCommit commit) => new(commit, null, []);
}
