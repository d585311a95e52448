using System.Globalization;
using Bot.Text;

namespace Bot.Configuration;

/// <summary>A length of time as settings write it: <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>, or a <see cref="TimeSpan"/> (<c>00:30:00</c>).</summary>
public static class ConfigDuration
{
    /// <summary>Throws a <see cref="ConfigException"/> naming <paramref name="path"/>, with <paramref name="examples"/> as the forms to write.</summary>
    public static TimeSpan Parse(string text, string path, string examples)
    {
        if (Durations.Parse(text) is { } d) return d;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) return t;
        throw new ConfigException(path, $"'{text}' is not a duration; write it as {examples}");
    }
}
