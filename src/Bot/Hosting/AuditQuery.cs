using System.Globalization;
using Bot.Text;

namespace Bot.Hosting;

/// <summary>What <c>bot audit</c> exports: entries from <see cref="Since"/> ago (a duration) or from a moment, of one app or all.</summary>
/// <param name="Format"><c>text</c>, <c>json</c> or <c>csv</c>.</param>
public sealed record AuditQuery(TimeSpan? Since = null, DateTimeOffset? From = null, string? App = null, string Format = "text")
{
    public static readonly TimeSpan DefaultSince = TimeSpan.FromDays(7);

    public DateTimeOffset Start(DateTimeOffset now) => From ?? now - (Since ?? DefaultSince);

    /// <summary><c>7d</c>, <c>12h</c>, or a date (<c>2026-11-30</c>, <c>2026-11-30T09:00Z</c>, read as UTC unless it says otherwise).</summary>
    public static AuditQuery ParseSince(string value) => new()
    {
        Since = Durations.Parse(value),
        From = Durations.Parse(value) is null
            ? DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
              : throw new CliException($"--since takes a duration such as 7d or 12h, or a date such as 2026-11-30, not '{value}'.")
            : null,
    };
}
