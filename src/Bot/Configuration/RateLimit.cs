using System.Globalization;

namespace Bot.Configuration;

/// <summary><c>RateLimit</c>: at most <see cref="Count"/> commands per person in any <see cref="Per"/> (<c>20/min</c>); <see cref="Off"/> when <c>off</c>.</summary>
public sealed record RateLimit(int Count, TimeSpan Per)
{
    public const string Key = "RateLimit";

    public static readonly RateLimit Default = new(20, TimeSpan.FromMinutes(1));

    public static readonly RateLimit Off = new(0, TimeSpan.Zero);

    public bool IsOff => Count == 0;

    /// <summary>How the limit reads in an answer: "in the last minute", "in the last 10 seconds".</summary>
    public string Window => Per switch
    {
        { TotalSeconds: 1 } => "second",
        { TotalMinutes: 1 } => "minute",
        { TotalHours: 1 } => "hour",
        { TotalSeconds: < 60 } s => $"{s.TotalSeconds:0} seconds",
        { TotalMinutes: < 60 } m => $"{m.TotalMinutes:0} minutes",
        var h => $"{h.TotalHours:0} hours",
    };

    /// <summary><c>20/min</c>, <c>5/10s</c>, <c>100/h</c>, or <c>off</c>; a value of another form stops startup naming the key.</summary>
    public static RateLimit Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        var text = value.Trim();
        if (text.Equals("off", StringComparison.OrdinalIgnoreCase)) return Off;
        var slash = text.IndexOf('/');
        if (slash > 0 && int.TryParse(text[..slash].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 100_000
            && PerOf(text[(slash + 1)..].Trim()) is { } per)
            return new RateLimit(count, per);
        throw new ConfigException(Key, $"'{text}' should be a count per time, such as 20/min, 5/10s or 200/h (or off)");
    }

    private static TimeSpan? PerOf(string unit) =>
        unit.Length > 0 && char.IsAsciiDigit(unit[0]) ? Text.Durations.Parse(unit) : Text.Durations.Parse("1" + unit);
}
