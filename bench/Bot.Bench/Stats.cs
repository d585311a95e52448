using System.Globalization;

namespace Bot.Bench;

/// <summary>Percentiles of a set of samples in milliseconds, printed as one machine-readable line.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = p / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    /// <summary><c>RESULT name=.. n=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. extra...</c></summary>
    public static string Line(string name, IEnumerable<double> samplesMs, params (string Key, object Value)[] extra)
    {
        var s = samplesMs.Order().ToList();
        var parts = new List<string>
        {
            $"RESULT name={name}", $"n={s.Count}",
            F("p50_ms", Percentile(s, 50)), F("p90_ms", Percentile(s, 90)), F("p99_ms", Percentile(s, 99)), F("max_ms", s.Count > 0 ? s[^1] : double.NaN),
        };
        parts.AddRange(extra.Select(e => e.Value is double d ? F(e.Key, d) : $"{e.Key}={e.Value}"));
        return string.Join(' ', parts);
    }

    private static string F(string key, double value) => $"{key}={value.ToString("0.###", CultureInfo.InvariantCulture)}";
}
