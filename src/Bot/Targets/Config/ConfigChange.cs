namespace Bot.Targets.Config;

/// <summary>
/// A change of an app's config vars: keys to set (with their values) and keys to remove. Its <see cref="Summary"/> names the
/// keys only, and is what the card, the audit and the store say about it.
/// </summary>
public sealed record ConfigChange(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Unset)
{
    public IEnumerable<string> Names => Set.Keys.Concat(Unset);

    /// <summary><c>2 set (DATABASE_URL, SENTRY_DSN), 1 unset (OLD_FLAG)</c>.</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            if (Set.Count > 0) parts.Add($"{Set.Count} set ({List(Set.Keys)})");
            if (Unset.Count > 0) parts.Add($"{Unset.Count} unset ({List(Unset)})");
            return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
        }
    }

    /// <summary>The variables after this change is laid over <paramref name="current"/>.</summary>
    public Dictionary<string, string> ApplyTo(IReadOnlyDictionary<string, string> current)
    {
        var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var name in Unset) next.Remove(name);
        foreach (var (name, value) in Set) next[name] = value;
        return next;
    }

    /// <summary>The values, for a redactor: whatever a step, a target or a platform prints back of them is masked.</summary>
    public IEnumerable<string> Secrets => Set.Values.Where(v => v.Length >= 4);

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count <= 4 ? string.Join(", ", all) : string.Join(", ", all.Take(3)) + $" and {all.Count - 3} more";
    }
}
