using System.Globalization;

namespace Bot.Text;

public static class Durations
{
    /// <summary><c>30s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c> (also <c>15min</c>, <c>2hours</c>); null when it is not one.</summary>
    public static TimeSpan? Parse(string word)
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
}
