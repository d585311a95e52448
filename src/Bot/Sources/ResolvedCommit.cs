namespace Bot.Sources;

/// <summary>A ref as the user typed it, the commit it named, and that commit's subject line.</summary>
public sealed record ResolvedCommit(string Ref, string Sha, string Subject)
{
    public string ShortSha => Sha.Length > 7 ? Sha[..7] : Sha;

    /// <summary><c>main@3f2a1c9</c>, or just the short sha when the ref was the sha itself.</summary>
    public string Label => Sha.StartsWith(Ref, StringComparison.OrdinalIgnoreCase) ? ShortSha : $"{Ref}@{ShortSha}";
}
