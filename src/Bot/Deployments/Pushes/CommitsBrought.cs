using Bot.Sources;
using Bot.Text;

namespace Bot.Deployments.Pushes;

/// <summary>What a push or a promotion brings, in one line for a card: <c>3 commits since #38 (main@1a2b3c4): • 9f8e7d6 Fix login • … • and 1 more</c>.</summary>
public static class CommitsBrought
{
    /// <param name="since">The words after the count: <c>since #38 (main@1a2b3c4)</c>.</param>
    public static string Line(int count, IReadOnlyList<PushedCommit> newest, string since, int subjectWidth)
    {
        var list = string.Join(" ", newest.Select(c => $"• {c.Sha[..7]} {Tokens.Clip(c.Subject, subjectWidth)}"));
        var more = count > newest.Count ? $" • and {count - newest.Count} more" : "";
        return $"{count} commit{(count == 1 ? "" : "s")} {since}: {list}{more}";
    }
}
