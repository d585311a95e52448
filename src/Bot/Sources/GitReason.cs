namespace Bot.Sources;

/// <summary>Git's own reason for a failure, as one readable line (its <c>fatal:</c> line, not the advice that follows).</summary>
public static class GitReason
{
    public static string Of(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var reason = lines.FirstOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal))
                     ?? lines.FirstOrDefault();
        if (reason is null) return "git gave no reason";
        var colon = reason.IndexOf(':');
        if (reason.StartsWith("fatal:", StringComparison.Ordinal) || reason.StartsWith("error:", StringComparison.Ordinal))
            reason = reason[(colon + 1)..].Trim();
        return reason.Length > 300 ? reason[..300] + "…" : reason;
    }
}
