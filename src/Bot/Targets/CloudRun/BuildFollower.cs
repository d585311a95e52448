using System.Globalization;
using System.Text.RegularExpressions;

namespace Bot.Targets.CloudRun;

/// <summary>
/// What the bot has shown of one build: each step's last status (a change becomes a step event), the log entries
/// already shown (Cloud Logging is asked again from the last timestamp, so an entry can come twice), and each
/// step's last lines for the failure message.
/// </summary>
public sealed partial class BuildFollower(string buildId)
{
    private const int Tail = 12;
    private readonly Dictionary<int, string> _status = [];
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Queue<string>> _tails = [];
    private readonly Queue<string> _all = new();

    public string BuildId { get; } = buildId;
    public DateTimeOffset? LastLogAt { get; private set; }
    public bool LogsRefused { get; set; }

    public sealed record FailedStep(int Index, string Label, string? Status);

    public static string Label(CloudBuildStep step, int index) =>
        $"#{index} " + (step.Id is { Length: > 0 } id ? id : step.Name is { } n ? n[(n.LastIndexOf('/') + 1)..] : "step");

    /// <summary>Step events for what changed since the last look: started, finished (with its time), failed.</summary>
    public IEnumerable<DeployEvent> Steps(CloudBuild build)
    {
        var steps = build.Steps ?? [];
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var now = step.Status ?? "PENDING";
            var before = _status.GetValueOrDefault(i, "PENDING");
            if (now == before) continue;
            _status[i] = now;
            var label = Label(step, i);
            if (before is "PENDING" or "QUEUED" && now != "QUEUED") yield return new StepStarted($"build {label}");
            if (now is "SUCCESS")
                yield return new StepFinished($"build {label}", step.Timing is { StartTime: { } a, EndTime: { } b } ? b - a : TimeSpan.Zero);
            else if (now is "FAILURE" or "TIMEOUT" or "CANCELLED" or "INTERNAL_ERROR" or "EXPIRED")
                yield return new Notice($"build {label}: {now.ToLowerInvariant()}", IsWarning: true);
        }
    }

    public FailedStep? Failed(CloudBuild build)
    {
        var steps = build.Steps ?? [];
        for (var i = 0; i < steps.Count; i++)
            if (steps[i].Status is "FAILURE" or "TIMEOUT" or "INTERNAL_ERROR" or "CANCELLED")
                return new FailedStep(i, Label(steps[i], i), steps[i].Status);
        return null;
    }

    /// <summary>The text of an entry not shown before, or null.</summary>
    public string? Take(LogEntry entry)
    {
        var key = entry.InsertId ?? $"{entry.Timestamp:O}|{entry.Text}";
        if (!_shown.Add(key)) return null;
        if (entry.Timestamp is { } at && (LastLogAt is null || at > LastLogAt)) LastLogAt = at;
        var text = entry.Text.TrimEnd();
        var step = entry.Labels?.GetValueOrDefault("build_step") is { } label && StepNumber().Match(label) is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        Keep(_all, text);
        if (step >= 0) Keep(_tails.TryGetValue(step, out var q) ? q : _tails[step] = new Queue<string>(), text);
        return text;
    }

    /// <summary>The last lines of a step (or of the whole build when the step's are not known).</summary>
    public IReadOnlyList<string> TailOf(int? step) =>
        step is { } i && _tails.TryGetValue(i, out var q) && q.Count > 0 ? [.. q] : [.. _all.TakeLast(6)];

    private static void Keep(Queue<string> q, string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        q.Enqueue(line.Length > 300 ? line[..300] + "…" : line);
        while (q.Count > Tail) q.Dequeue();
    }

    [GeneratedRegex(@"Step #(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StepNumber();
}
