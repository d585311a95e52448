using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Deployments.Retention;

/// <summary>
/// What the store keeps (the bot-wide <c>Retention</c> section). <c>Retention:Output</c>: the output, step and notice lines
/// of deployments that finished longer ago are removed (default <c>90d</c>; <c>off</c> keeps everything); each deployment's
/// row and state lines stay. <c>Retention:Audit</c>: unset keeps the audit log forever; an age removes older entries.
/// </summary>
public sealed record RetentionOptions(TimeSpan? Output, string OutputSetting, TimeSpan? Audit)
{
    public const string DefaultOutput = "90d";

    /// <summary>The first run, soon after start but not in its way; then one every <see cref="Every"/>.</summary>
    public TimeSpan FirstAfter { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan Every { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Rows removed per short transaction: on SQLite the one writer is held for one such step (a few milliseconds), and
    /// the requests queued meanwhile are written right after it.
    /// </summary>
    public int BatchRows { get; init; } = 1000;

    /// <summary>
    /// The most of the writer's time a run takes: after a step that took <c>t</c> it waits <c>t × (1 / share − 1)</c>, so on
    /// SQLite requests keep at least nine tenths of the one writer. A run over a million rows then takes about a minute.
    /// </summary>
    public double WriterShare { get; init; } = 0.1;

    /// <summary>
    /// On PostgreSQL requests write beside a run (row locks, not one writer), so a run pauses as long as its step took:
    /// at a tenth, a run over a million rows took longer than a quarter of an hour (docs/PERFORMANCE.md).
    /// </summary>
    public const double PostgresWriterShare = 0.5;

    /// <summary>Pages (4 KiB) a SQLite file gives back per step after a run.</summary>
    public int ReclaimPages { get; init; } = 500;

    /// <summary>One process prunes at a time; one that dies mid-run hands the turn on after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);

    public bool Enabled => Output is not null || Audit is not null;

    public static RetentionOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Retention");
        KnownKeys.Check(section, "Retention", KnownKeys.Retention);
        var output = section["Output"] is { Length: > 0 } o ? o.Trim() : DefaultOutput;
        var audit = section["Audit"] is { Length: > 0 } a ? a.Trim() : null;
        return new RetentionOptions(Age(output, "Retention:Output", "keep all output"), output, audit is null ? null : Age(audit, "Retention:Audit", "keep the whole audit log"));
    }

    private static TimeSpan? Age(string text, string path, string off) =>
        text.Equals("off", StringComparison.OrdinalIgnoreCase)
            ? null
            : ConfigDuration.Parse(text, path, $"an age such as 90d or 12h, or off to {off}");
}
