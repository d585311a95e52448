using System.Globalization;
using Bot.Deployments.Stats;
using Bot.Text;

namespace Bot.Commands;

public static partial class CommandParser
{
    private const string CountsWord = "counts";

    /// <summary><c>stats [app] [7d|30d|90d] [in env] [counts]</c>, the words after the verb in any order; a near miss gets its closest spelling.</summary>
    private static Command ParseStats(Args args)
    {
        var env = args.TakeEnv("in");
        string? app = null;
        int? days = null;
        var counts = false;
        while (args.TakeBare() is { } word)
        {
            var lower = word.ToLowerInvariant();
            if (lower == CountsWord) { counts = true; continue; }
            if (PeriodDays(lower) is { } d)
            {
                if (!StatsScope.Periods.Contains(d))
                {
                    var closest = StatsScope.Periods.MinBy(p => Math.Abs(p - d));
                    throw new UsageException($"`{Tokens.Clip(word)}` is not a period I show. Did you mean `{closest}d`? Periods: 7d, 30d or 90d.");
                }
                days = d;
                continue;
            }
            if (app is null) { app = word; continue; }
            var hint = Suggest.Best(lower, [CountsWord, "7d", "30d", "90d", "in"]) is { } best ? $"Did you mean `{best}`? " : "";
            throw new UsageException($"I don't understand `{Tokens.Clip(word)}` in `stats`. {hint}Type `stats [<app>] [7d|30d|90d] [in <env>]`.");
        }
        args.Done();
        return new StatsCommand(app, days ?? StatsScope.DefaultDays, env, counts);
    }

    /// <summary><c>30d</c>, <c>30</c> or <c>30days</c> as a number of days; null for a word that is no period.</summary>
    private static int? PeriodDays(string word)
    {
        var digits = word.EndsWith("days", StringComparison.Ordinal) ? word[..^4]
            : word.EndsWith("day", StringComparison.Ordinal) ? word[..^3]
            : word.EndsWith('d') ? word[..^1] : word;
        return digits.Length is > 0 and <= 4 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }
}
