using System.Text.RegularExpressions;
using Bot.Deployments;

namespace Bot.Web;

/// <summary>
/// A deployment's events grouped by step, built one event at a time (the page from the store, the live stream as
/// events come): what each event did to the story, so the stream can tell the page the same thing. Built with
/// <c>keepLines: false</c> it keeps only the outline (steps, their times and ends, the first error), so a long log costs
/// no more than its steps.
/// </summary>
public sealed partial class LogStory(bool keepLines = true)
{
    /// <summary>Lines before the first step (checking the ref out, waiting for a lock).</summary>
    public const string Before = "prepare";

    private readonly List<LogStep> _steps = [];

    public IReadOnlyList<LogStep> Steps => _steps;
    public long LastSeq { get; private set; }
    /// <summary>The first line that reads like an error, for the "jump to first error" link.</summary>
    public long? FirstError { get; private set; }

    public LogStep? Current => _steps.Count > 0 ? _steps[^1] : null;

    public static LogStory Of(IEnumerable<StoryLine> events)
    {
        var story = new LogStory();
        foreach (var e in events) story.Add(e);
        return story;
    }

    public Change Add(StoryLine e)
    {
        if (e.Seq > LastSeq) LastSeq = e.Seq;
        switch (e.Kind)
        {
            case LineKind.State:
                return Change.None;
            case LineKind.Step when Current is { Done: null } open && e.Text.StartsWith(open.Name + " done", StringComparison.Ordinal):
                open.Done = e.Text[open.Name.Length..].Trim();
                return Change.StepDone;
            case LineKind.Step:
                _steps.Add(new LogStep(_steps.Count, e.Text, e.At));
                return Change.NewStep;
            default:
                var newStep = Current is null || Current.Done is not null;
                if (Current is null) _steps.Add(new LogStep(0, Before, e.At) { Between = true });
                else if (Current.Done is not null) _steps.Add(new LogStep(_steps.Count, "after " + Current.Name, e.At) { Between = true });
                if (keepLines) Current!.Lines.Add(e);
                if (FirstError is null && LooksLikeError(e)) FirstError = e.Seq;
                return newStep ? Change.NewStepWithLine : Change.Line;
        }
    }

    /// <summary>
    /// Marks the step a deployment that did not succeed ended in (the last step left open, else the last group); returns
    /// it. After a put-back the open step is the one that failed, ahead of the restore's own steps and the lines after.
    /// </summary>
    public LogStep? End(Deployment d)
    {
        if (d.IsActive || d.State == DeploymentState.Succeeded || _steps.Count == 0) return null;
        var failed = _steps.LastOrDefault(s => s.Done is null && !s.Between) ?? _steps[^1];
        failed.Failed = true;
        return failed;
    }

    /// <summary>Folded unless it failed, or it is the step running now.</summary>
    public bool IsOpen(LogStep step, Deployment d) => step.Failed || (d.IsActive && step == Current && step.Done is null);

    private static bool LooksLikeError(StoryLine e) =>
        e.Kind == LineKind.Warning || (e.Kind is LineKind.Output or LineKind.ErrorOutput && ErrorWord().IsMatch(Ansi.Strip(e.Text)));

    [GeneratedRegex(@"\b(error|errors|fatal|failed|failure|exception|panic|traceback)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorWord();

    public enum Change { None, Line, NewStep, NewStepWithLine, StepDone }
}
