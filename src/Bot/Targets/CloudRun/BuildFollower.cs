using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Text;

namespace Bot.Targets.CloudRun;

/// <summary>
/// What the bot has shown of one build. Cloud Logging shows an entry seconds after it is written, so a step's last lines
/// can arrive after the build says the step ended: a step's end (and so the next step's start) is held until its own
/// lines are in — its <c>Finished Step</c> line, a later step's line, or any entry written after its end — or until
/// <see cref="CloudLoggingApi.Patience"/> has passed, so each line shows under the step that printed it. Entries are kept
/// by insert id (Logging is asked again from the last timestamp, so one can come twice), with each step's last lines.
/// </summary>
public sealed partial class BuildFollower(string buildId)
{
    private const int Tail = 12;
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);
    private readonly List<StepView> _steps = [];
    private readonly List<DeployEvent> _loose = [];
    private readonly Queue<string> _all = new();
    private int _next;
    private int _latestWithLines = -1;

    public string BuildId { get; } = buildId;
    public DateTimeOffset? LastLogAt { get; private set; }
    public bool LogsRefused { get; set; }

    /// <summary>Every step that ran has been shown to its end.</summary>
    public bool CaughtUp => _next >= _steps.Count;

    /// <param name="LinesLate">Its own lines were not all in when patience ran out.</param>
    public sealed record FailedStep(int Index, string Label, string? Status, bool LinesLate);

    public static string Label(CloudBuildStep step, int index) =>
        $"#{index} " + (step.Id is { Length: > 0 } id ? id : step.Name is { } n ? n[(n.LastIndexOf('/') + 1)..] : "step");

    /// <summary>The events of one look: the build as it stands and the entries Logging gave since the last look, in step order.</summary>
    public IReadOnlyList<DeployEvent> Look(CloudBuild build, IEnumerable<LogEntry> entries, DateTimeOffset now)
    {
        Update(build, now);
        foreach (var entry in entries) Take(entry);
        var events = new List<DeployEvent>();
        for (; _next < _steps.Count; _next++)
        {
            var step = _steps[_next];
            if (step.Status is "PENDING" or "QUEUED")
            {
                if (build.Finished) continue; // it never ran
                break;
            }
            if (!step.Opened)
            {
                step.Opened = true;
                events.Add(new StepStarted($"build {step.Label}"));
            }
            events.AddRange(step.Pending);
            step.Pending.Clear();
            if (!Ended(step.Status) || !LinesIn(_next, step, now)) break;
            if (step.Late)
                events.Add(new Notice($"Cloud Logging had not shown all of build {step.Label}'s lines {Format.Duration(CloudLoggingApi.Patience)} after it ended; the build log has them.", IsWarning: true));
            events.Add(step.Status == "SUCCESS"
                ? new StepFinished($"build {step.Label}", step.Took)
                : new Notice($"build {step.Label}: {step.Status.ToLowerInvariant()}", IsWarning: true));
        }
        events.AddRange(_loose);
        _loose.Clear();
        return events;
    }

    public FailedStep? Failed(CloudBuild build)
    {
        var steps = build.Steps ?? [];
        for (var i = 0; i < steps.Count; i++)
            if (steps[i].Status is "FAILURE" or "TIMEOUT" or "INTERNAL_ERROR" or "CANCELLED")
                return new FailedStep(i, Label(steps[i], i), steps[i].Status, i < _steps.Count && _steps[i].Late);
        return null;
    }

    /// <summary>The last lines of a step (none when Logging has not shown it any), or of the whole build when no step is named.</summary>
    public IReadOnlyList<string> TailOf(int? step) =>
        step is { } i ? i < _steps.Count ? [.. _steps[i].Tail] : [] : [.. _all.TakeLast(6)];

    private void Update(CloudBuild build, DateTimeOffset now)
    {
        var steps = build.Steps ?? [];
        for (var i = 0; i < steps.Count; i++)
        {
            if (_steps.Count <= i) _steps.Add(new StepView(Label(steps[i], i)));
            var view = _steps[i];
            view.Status = steps[i].Status ?? "PENDING";
            view.EndTime = steps[i].Timing?.EndTime;
            view.Took = steps[i].Timing is { StartTime: { } a, EndTime: { } b } ? b - a : TimeSpan.Zero;
            if (Ended(view.Status)) view.EndedSeenAt ??= now;
        }
    }

    private void Take(LogEntry entry)
    {
        var key = entry.InsertId ?? $"{entry.Timestamp:O}|{entry.Text}";
        if (!_shown.Add(key)) return;
        if (entry.Timestamp is { } at && (LastLogAt is null || at > LastLogAt)) LastLogAt = at;
        var text = entry.Text.TrimEnd();
        if (string.IsNullOrWhiteSpace(text)) return;
        var line = new OutputLine(text, entry.Severity is "ERROR" or "CRITICAL" or "ALERT" or "EMERGENCY");
        Keep(_all, text);
        // Cloud Build labels a step's lines with it; its own "Starting/Finished Step #n" lines name it in their text.
        var marker = StepMarker().Match(text);
        var step = entry.Labels?.GetValueOrDefault("build_step") is { } label && StepNumber().Match(label) is { Success: true } m ? Number(m)
            : marker.Success ? Number(marker) : -1;
        if (step < 0 || step >= _steps.Count)
        {
            _loose.Add(line);
            return;
        }
        var view = _steps[step];
        Keep(view.Tail, text);
        if (marker.Success && marker.Groups["finished"].Success && Number(marker) == step) view.Finished = true;
        _latestWithLines = Math.Max(_latestWithLines, step);
        // A line of a step already shown to its end (it came after patience ran out) goes where the build is now.
        if (step < _next) _loose.Add(line);
        else view.Pending.Add(line);
    }

    private bool LinesIn(int index, StepView step, DateTimeOffset now)
    {
        if (LogsRefused || step.Finished || _latestWithLines > index) return true;
        if (LastLogAt is { } newest && step.EndTime is { } end && newest >= end) return true;
        if (now - step.EndedSeenAt < CloudLoggingApi.Patience) return false;
        step.Late = true;
        return true;
    }

    private static bool Ended(string status) => status is "SUCCESS" or "FAILURE" or "TIMEOUT" or "CANCELLED" or "INTERNAL_ERROR" or "EXPIRED";

    private static int Number(Match m) => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);

    private static void Keep(Queue<string> q, string line)
    {
        q.Enqueue(line.Length > 300 ? line[..300] + "…" : line);
        while (q.Count > Tail) q.Dequeue();
    }

    /// <summary>One step as shown so far: its status, whether its start was shown, its lines not yet shown and its last ones.</summary>
    private sealed class StepView(string label)
    {
        public string Label { get; } = label;
        public string Status { get; set; } = "PENDING";
        public DateTimeOffset? EndTime { get; set; }
        public DateTimeOffset? EndedSeenAt { get; set; }
        public TimeSpan Took { get; set; }
        public bool Opened { get; set; }
        public bool Finished { get; set; }
        public bool Late { get; set; }
        public List<DeployEvent> Pending { get; } = [];
        public Queue<string> Tail { get; } = new();
    }

    [GeneratedRegex(@"Step #(?<n>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StepNumber();

    [GeneratedRegex(@"^(?:Starting|(?<finished>Finished)) Step #(?<n>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StepMarker();
}
