using System.Globalization;
using System.Text;

namespace Bot.Commands;

internal sealed class UsageException(string message, ParseErrorKind kind = ParseErrorKind.Usage) : Exception(message)
{
    public ParseErrorKind Kind { get; } = kind;
}

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

    /// <summary><c>30s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c> (also <c>15min</c>, <c>2hours</c>).</summary>
    public static TimeSpan? ParseDuration(string word)
    {
        var w = word.ToLowerInvariant();
        var digits = 0;
        while (digits < w.Length && char.IsAsciiDigit(w[digits])) digits++;
        if (digits == 0 || digits > 6 || !int.TryParse(w[..digits], CultureInfo.InvariantCulture, out var n) || n == 0) return null;
        return w[digits..] switch
        {
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(n),
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
            "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(n),
            "d" or "day" or "days" => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static bool IsKeyword(string word) => word.ToLowerInvariant() is "to" or "in";
}

internal static class Tokens
{
    /// <summary>Splits on spaces; "double" or 'single' quotes keep words together.</summary>
    public static List<string> Split(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null;
                else current.Append(c);
            }
            else if (c is '"' or '\'' && (!inToken || current.Length == 0))
            {
                quote = c;
                inToken = true;
            }
            else if (c == ' ')
            {
                if (inToken) tokens.Add(current.ToString());
                current.Clear();
                inToken = false;
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }
        if (inToken) tokens.Add(current.ToString());
        return tokens.Where(t => t.Length > 0).ToList();
    }

    /// <summary>A word typed by someone, shortened so an error message stays readable.</summary>
    public static string Clip(string word) => word.Length <= 40 ? word.Replace("`", "'") : word[..40].Replace("`", "'") + "…";
}
