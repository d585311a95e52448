using System.Globalization;

namespace Bot.Text;

/// <summary>Short human forms of times and sizes, the same on every platform.</summary>
public static class Format
{
    /// <summary><c>0.4s</c>, <c>12s</c>, <c>3m 05s</c>, <c>2h 10m</c>.</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalSeconds < 10) return t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
        if (t.TotalMinutes < 1) return $"{(int)t.TotalSeconds}s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes}m {t.Seconds:00}s";
        if (t.TotalDays < 1) return $"{(int)t.TotalHours}h {t.Minutes:00}m";
        return $"{(int)t.TotalDays}d {t.Hours}h";
    }

    /// <summary>A setting's round length as it is written in the config: <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c> (else <see cref="Duration"/>).</summary>
    public static string Setting(TimeSpan t) =>
        t > TimeSpan.Zero && t.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(long)t.TotalDays}d"
        : t > TimeSpan.Zero && t.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)t.TotalHours}h"
        : t > TimeSpan.Zero && t.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)t.TotalMinutes}m"
        : t > TimeSpan.Zero && t.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)t.TotalSeconds}s"
        : Duration(t);

    /// <summary><c>just now</c>, <c>5m ago</c>, <c>3h ago</c>, <c>2d ago</c>.</summary>
    public static string Ago(DateTimeOffset then, DateTimeOffset now)
    {
        var t = now - then;
        if (t.TotalSeconds < 45) return "just now";
        if (t.TotalMinutes < 60) return $"{Math.Max(1, (int)Math.Round(t.TotalMinutes))}m ago";
        if (t.TotalHours < 24) return $"{(int)t.TotalHours}h ago";
        return $"{(int)t.TotalDays}d ago";
    }

    /// <summary>UTC clock time for "since 14:03 UTC"; the date too when it is not today.</summary>
    public static string Clock(DateTimeOffset t, DateTimeOffset now) =>
        t.UtcDateTime.Date == now.UtcDateTime.Date
            ? t.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : t.UtcDateTime.ToString("MMM d HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The first line of <paramref name="text"/>, cut at <paramref name="max"/> characters with <c>…</c>, and a <c>…</c> when
    /// more lines follow: one row of a list (the audit log) stays one row on a phone.
    /// </summary>
    public static string Gist(string text, int max = 90)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOf('\n');
        var line = (end < 0 ? trimmed : trimmed[..end]).TrimEnd();
        var cut = line.Length > max;
        if (cut) line = line[..(max - 1)].TrimEnd();
        return cut || end >= 0 ? line + "…" : line;
    }
}
