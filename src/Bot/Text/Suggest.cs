namespace Bot.Text;

/// <summary>Closest-spelling suggestions for verbs, apps, environments and branch names.</summary>
public static class Suggest
{
    /// <summary>The candidates within a typo's reach of <paramref name="input"/>, closest first.</summary>
    public static IReadOnlyList<string> Closest(string input, IEnumerable<string> candidates, int max = 3)
    {
        // Nothing anyone means to type is this long; do not spend time measuring it.
        if (input.Length > 100) return [];
        var lowered = input.ToLowerInvariant();
        return candidates
            .Select(c => (Candidate: c, Distance: Distance(lowered, c.ToLowerInvariant())))
            .Where(x => x.Distance <= Allowed(input, x.Candidate))
            .OrderBy(x => x.Distance)
            // As close either way, what was typed is more likely the start of a word than a slip in a shorter one (`statu`).
            .ThenBy(x => x.Candidate.StartsWith(lowered, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(x => x.Candidate.Length)
            .ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Select(x => x.Candidate)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(max)
            .ToList();
    }

    public static string? Best(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates, 1).FirstOrDefault();

    // Short words allow one edit, longer ones more; a prefix of at least three letters also counts.
    private static int Allowed(string input, string candidate)
    {
        if (input.Length >= 3 && candidate.StartsWith(input, StringComparison.OrdinalIgnoreCase))
            return int.MaxValue;
        return Math.Max(1, Math.Min(input.Length, candidate.Length) / 3);
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
