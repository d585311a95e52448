namespace Bot.Sources.GitHub;

/// <summary>
/// Turns what GitHub reports about a commit's CI (check runs and commit statuses) into one <see cref="CheckResult"/> per
/// name. A re-run makes a new check run under the same name, so the newest run of a name stands for it; a name that is
/// both a check run and a status (rare) counts as the worse of the two.
/// </summary>
public static class GitHubChecks
{
    public static IReadOnlyList<CheckResult> Combine(IEnumerable<GitHubWire.CommitStatus> statuses, IEnumerable<GitHubWire.CheckRun> runs)
    {
        var fromRuns = runs.Where(r => !string.IsNullOrEmpty(r.Name))
            .GroupBy(r => r.Name!, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderByDescending(r => r.StartedAt ?? DateTimeOffset.MinValue).ThenByDescending(r => r.Id).First())
            .Select(Of);
        // The combined status already holds the newest status of each context.
        var fromStatuses = statuses.Where(s => !string.IsNullOrEmpty(s.Context)).Select(Of);
        return fromRuns.Concat(fromStatuses)
            .GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.OrderByDescending(c => Badness(c.State)).First())
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// A check run's phase and conclusion as GitHub documents them. Neutral and skipped pass, as branch protection counts
    /// them. <c>stale</c> (GitHub gave up on a run left incomplete for 14 days) fails: it will never finish by itself,
    /// so waiting for it would only run the gate into its time limit. A conclusion GitHub adds later fails until it is
    /// known here: a gate must never pass on a word it does not understand.
    /// </summary>
    public static CheckResult Of(GitHubWire.CheckRun run)
    {
        var url = Link(run.HtmlUrl) ?? Link(run.DetailsUrl);
        if (run.Status != "completed")
            return new CheckResult(run.Name!, CheckState.Pending, Words(run.Status ?? "queued"), url);
        return run.Conclusion switch
        {
            "success" or "neutral" or "skipped" => new CheckResult(run.Name!, CheckState.Passed, run.Conclusion, url),
            null => new CheckResult(run.Name!, CheckState.Pending, "completing", url),
            var other => new CheckResult(run.Name!, CheckState.Failed, Words(other), url),
        };
    }

    /// <summary>A commit status is <c>error</c>, <c>failure</c>, <c>pending</c> or <c>success</c>.</summary>
    public static CheckResult Of(GitHubWire.CommitStatus status) => status.State switch
    {
        "success" => new CheckResult(status.Context!, CheckState.Passed, "success", Link(status.TargetUrl)),
        "pending" => new CheckResult(status.Context!, CheckState.Pending, "pending", Link(status.TargetUrl)),
        var other => new CheckResult(status.Context!, CheckState.Failed, Words(other ?? "error"), Link(status.TargetUrl)),
    };

    /// <summary><c>timed_out</c> → "timed out", <c>in_progress</c> → "in progress": what a person would say.</summary>
    private static string Words(string value) => value.Replace('_', ' ');

    private static string? Link(string? url) => string.IsNullOrWhiteSpace(url) ? null : url;

    private static int Badness(CheckState state) => state switch
    {
        CheckState.Failed => 2,
        CheckState.Pending => 1,
        _ => 0,
    };
}
