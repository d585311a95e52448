using Bot.Text;
using System.Globalization;

namespace Bot.Commands;

/// <summary>The words after the verb, taken from the front as the grammar reads them.</summary>
internal sealed class Args(VerbInfo verb, List<string> words)
{
    public List<string> Remaining { get; } = words;

    public string App()
    {
        var app = TakeBare();
        if (app is null)
            throw new UsageException($"Which app? Type `{verb.Usage}` (`apps` lists them).", ParseErrorKind.MissingApp);
        return app;
    }

    /// <summary>The next word unless it is a keyword such as <c>to</c> or <c>in</c>.</summary>
    public string? TakeBare()
    {
        if (Remaining.Count == 0 || IsKeyword(Remaining[0])) return null;
        var word = Remaining[0];
        Remaining.RemoveAt(0);
        return word;
    }

    /// <summary><c>to staging</c> / <c>in staging</c>, wherever it stands in what is left.</summary>
    public string? TakeEnv(params string[] keywords)
    {
        var i = Remaining.FindIndex(w => keywords.Contains(w, StringComparer.OrdinalIgnoreCase));
        if (i < 0) return null;
        if (i + 1 >= Remaining.Count)
            throw new UsageException($"`{Remaining[i]}` needs an environment after it, e.g. `{Remaining[i]} staging`.");
        var env = Remaining[i + 1];
        Remaining.RemoveRange(i, 2);
        return env;
    }

    public bool TakeFlag(params string[] flags)
    {
        var i = Remaining.FindIndex(w => flags.Contains(w, StringComparer.OrdinalIgnoreCase));
        if (i < 0) return false;
        Remaining.RemoveAt(i);
        return true;
    }

    public int TakeCount(int fallback, int max)
    {
        if (Remaining.Count == 0 || ParseCount(Remaining[0], max) is not { } n) return fallback;
        Remaining.RemoveAt(0);
        return n;
    }

    /// <summary><c>#42</c> (or a bare <c>42</c>).</summary>
    public int? TakeNumber()
    {
        if (Remaining.Count == 0) return null;
        var w = Remaining[0].TrimStart('#');
        if (!int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        Remaining.RemoveAt(0);
        return n;
    }

    public TimeSpan? TakeDuration()
    {
        if (Remaining.Count == 0 || ParseDuration(Remaining[0]) is not { } d) return null;
        Remaining.RemoveAt(0);
        return d;
    }

    /// <summary>Everything left, as typed (quotes already removed by the tokenizer).</summary>
    public string? Rest()
    {
        if (Remaining.Count == 0) return null;
        var rest = string.Join(' ', Remaining);
        Remaining.Clear();
        return rest;
    }

    public void Done()
    {
        if (Remaining.Count > 0)
            throw new UsageException($"I don't understand `{Tokens.Clip(string.Join(' ', Remaining))}` here. Type `{verb.Usage}`.");
    }

    public static int? ParseCount(string word, int max)
    {
        if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return Math.Min(n, max);
    }

    public static TimeSpan? ParseDuration(string word) => Durations.Parse(word);

    private static bool IsKeyword(string word) => word.ToLowerInvariant() is "to" or "in";
}
