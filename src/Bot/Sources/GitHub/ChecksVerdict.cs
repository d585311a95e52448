namespace Bot.Sources.GitHub;

/// <summary>
/// Whether a commit's checks let it deploy: <see cref="Passed"/>, <see cref="Pending"/> (what it still waits for) or
/// <see cref="Failed"/> (what failed, with links). <see cref="Text"/> is one short line for chat, readable on a phone.
/// </summary>
public abstract record ChecksVerdict
{
    /// <summary>How many checks a line names before it says "and N more".</summary>
    public const int Named = 5;

    private ChecksVerdict() { }

    public sealed record Passed(IReadOnlyList<CheckResult> Checks) : ChecksVerdict
    {
        public override string Text => Checks.Count == 0 ? "no checks required" : $"checks passed: {List(Checks, withLinks: false)}";
    }

    /// <summary>Waiting for <see cref="Waiting"/>; empty when every check is wanted and none has been reported yet.</summary>
    public sealed record Pending(IReadOnlyList<CheckResult> Waiting) : ChecksVerdict
    {
        public override string Text => Waiting.Count == 0 ? "no checks reported yet" : $"waiting for checks: {List(Waiting, withLinks: false)}";
    }

    public sealed record Failed(IReadOnlyList<CheckResult> Failing) : ChecksVerdict
    {
        public override string Text => $"checks failed: {List(Failing, withLinks: true)}";
    }

    public abstract string Text { get; }

    /// <summary>
    /// Judges <paramref name="results"/> against what is asked: every reported check (<paramref name="all"/>) and the
    /// <paramref name="required"/> names, compared without case. A required name nobody reported is waited for (shown as
    /// "expected"), never taken as passed: a CI that has not started yet looks exactly like that. Any failure decides at
    /// once, even while others still run.
    /// </summary>
    public static ChecksVerdict Judge(IReadOnlyList<CheckResult> results, bool all, IReadOnlyList<string> required)
    {
        var byName = results.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var judged = (all ? results : []).ToList();
        foreach (var name in required.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (judged.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) continue;
            judged.Add(byName.TryGetValue(name, out var reported) ? reported : new CheckResult(name, CheckState.Pending, "expected", null));
        }
        if (judged.Where(r => r.State == CheckState.Failed).ToList() is { Count: > 0 } failing) return new Failed(failing);
        if (judged.Where(r => r.State == CheckState.Pending).ToList() is { Count: > 0 } waiting) return new Pending(waiting);
        if (all && judged.Count == 0) return new Pending([]);
        return new Passed(judged);
    }

    private static string List(IReadOnlyList<CheckResult> checks, bool withLinks)
    {
        var named = checks.Take(Named).Select(c => withLinks && c.Url is { } url ? $"{c.Name} ({c.Detail}) {url}" : withLinks || c.State != CheckState.Passed ? $"{c.Name} ({c.Detail})" : c.Name);
        var line = string.Join(", ", named);
        return checks.Count > Named ? $"{line} and {checks.Count - Named} more" : line;
    }
}
