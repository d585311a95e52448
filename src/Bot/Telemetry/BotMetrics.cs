using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Bot.Telemetry;

/// <summary>
/// The bot's meter, <c>Deploybot</c>, and its instruments. The names are OpenTelemetry's dotted ones; the Prometheus exporter
/// turns <c>.</c> into <c>_</c>, appends <c>_total</c> to counters and the unit (<c>_seconds</c>) to the histograms, so
/// <c>/metrics</c> shows exactly <c>deploybot_deployments_total</c>, <c>deploybot_deployment_duration_seconds</c>, ...
/// Labels are names from the configuration and small fixed sets: never a user, a sha or free text.
/// </summary>
public sealed class BotMetrics
{
    public const string Name = "Deploybot";

    /// <summary>A deploy takes seconds (a shell restart) to half an hour (a Cloud Build, an ECS rollout).</summary>
    private static readonly double[] DeployBuckets = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1200, 1800];

    /// <summary>Slack wants an answer within 3 s; most are a few milliseconds.</summary>
    private static readonly double[] AckBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

    private readonly Counter<long> _deployments;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rollbacks;
    private readonly Histogram<double> _ack;
    private Func<ActiveCounts>? _active;

    /// <summary>What runs and what waits, across every process (read from the store by whoever sets <see cref="ReadActiveFrom"/>).</summary>
    public readonly record struct ActiveCounts(long Running, long Queued);

    public BotMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _deployments = meter.CreateCounter<long>("deploybot.deployments", description: "Deployments ended, by app, environment, target and result.");
        _duration = meter.CreateHistogram("deploybot.deployment.duration", "s", "How long a deployment ran, start to end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeployBuckets });
        _rollbacks = meter.CreateCounter<long>("deploybot.rollbacks", description: "Rollbacks: asked for (command) or done by the bot after a failure (put_back).");
        _ack = meter.CreateHistogram("deploybot.chat.ack", "s", "From a chat request's arrival to its acknowledgement, by platform.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AckBuckets });
        meter.CreateObservableGauge("deploybot.deployments.in_progress", () => Active(c => c.Running), description: "Deployments running now.");
        meter.CreateObservableGauge("deploybot.queue.depth", () => Active(c => c.Queued), description: "Deployments queued and not yet claimed.");
        meter.CreateObservableGauge("deploybot.build.info", () => new Measurement<long>(1, new KeyValuePair<string, object?>("version", Version)),
            description: "The bot's version.");
    }

    /// <summary>The version without the commit that SourceLink appends (<c>1.0.0+3f2a…</c>): no sha as a label.</summary>
    public static string Version { get; } =
        (typeof(BotMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>Where the gauges of what runs and waits read (a cached copy of the store's; the reader must not block).</summary>
    public void ReadActiveFrom(Func<ActiveCounts> read) => _active = read;

    private IEnumerable<Measurement<long>> Active(Func<ActiveCounts, long> pick) =>
        _active is { } read ? [new Measurement<long>(pick(read()))] : [];

    public void DeploymentEnded(string app, string env, string target, string result, TimeSpan? ran)
    {
        var tags = new TagList { { "app", app }, { "env", env }, { "target", target }, { "result", result } };
        _deployments.Add(1, tags);
        if (ran is { } elapsed) _duration.Record(elapsed.TotalSeconds, new TagList { { "app", app }, { "env", env } });
    }

    public void RolledBack(RollbackReason reason) =>
        _rollbacks.Add(1, new KeyValuePair<string, object?>("reason", reason == RollbackReason.PutBack ? "put_back" : "command"));

    /// <summary>A chat request was acknowledged <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) after it arrived.</summary>
    public void Acknowledged(string platform, long since) =>
        _ack.Record(Stopwatch.GetElapsedTime(since).TotalSeconds, new KeyValuePair<string, object?>("platform", platform));
}
