namespace Bot.Deployments.Stats;

/// <summary>
/// The DORA figures from a list of releases of one environment (<see cref="IDeploymentStore.ReleasesSinceAsync"/>), pure:
/// what counts, what failed and how, what recovered, what was rework. Lead time needs commit times from git, so the
/// caller finds them first for <see cref="LeadCandidates"/> and passes them in.
/// </summary>
public static class DoraCalculator
{
    /// <summary>A deploy that follows a failure of its app/env within this long is rework.</summary>
    public static readonly TimeSpan ReworkWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Counted: a release of code that started and then either ended (succeeded or failed) or had begun going live
    /// before it was cancelled or interrupted. One stopped before it changed anything deployed nothing.
    /// </summary>
    public static bool Counts(ReleaseRecord r) => IsCode(r) && r.Deployment.StartedAt is not null && r.Deployment.State switch
    {
        DeploymentState.Succeeded or DeploymentState.Failed => true,
        DeploymentState.Cancelled or DeploymentState.Interrupted => r.WentLive,
        _ => false,
    };

    /// <summary>How a counted deploy failed, or null when it did not.</summary>
    public static FailureKind? FailureOf(ReleaseRecord r, IReadOnlyList<ReleaseRecord> sameApp)
    {
        if (!Counts(r)) return null;
        if (r.Deployment.State != DeploymentState.Succeeded) return r.WentLive ? FailureKind.PutBack : FailureKind.Failed;
        // The release that replaced it as the live one was a rollback: it was taken back.
        var next = sameApp.FirstOrDefault(o => o.Deployment.Id > r.Deployment.Id && o.Deployment.State == DeploymentState.Succeeded);
        return next?.Deployment.Kind == DeploymentKind.Rollback ? FailureKind.RolledBack : null;
    }

    /// <summary>Deploys and promotions that went live in the window, with what was live before each: the ones whose lead time is measured.</summary>
    public static IReadOnlyList<LeadCandidate> LeadCandidates(IReadOnlyList<ReleaseRecord> releases, DateTimeOffset from, DateTimeOffset to) =>
        ByApp(releases).SelectMany(app => app
            .Where(r => In(r, from, to) && r.Deployment is { State: DeploymentState.Succeeded, Kind: DeploymentKind.Deploy or DeploymentKind.Promote, Sha: not null })
            .Select(r => new LeadCandidate(r.Deployment, app.LastOrDefault(o => o.Deployment.Id < r.Deployment.Id
                && o.Deployment.State == DeploymentState.Succeeded && o.Deployment.Sha is not null)?.Deployment.Sha)))
            .ToList();

    /// <param name="oldestCommit">
    /// Per deployment id: when the oldest commit it brought was made, or null when it brought no new commit. A deploy
    /// that is not there could not be read (its repository, or no earlier release to compare with): it is left out.
    /// </param>
    public static DoraFigures Compute(IReadOnlyList<ReleaseRecord> releases, IReadOnlyDictionary<long, DateTimeOffset?> oldestCommit, DateTimeOffset from, DateTimeOffset to)
    {
        int deploys = 0, failed = 0, putBack = 0, rolledBack = 0, rework = 0, unknown = 0, nothingNew = 0, notRecovered = 0;
        var leads = new List<TimeSpan>();
        var recoveries = new List<TimeSpan>();
        foreach (var app in ByApp(releases))
        {
            var failures = app.Select(r => (Release: r, Kind: FailureOf(r, app))).Where(x => x.Kind is not null).ToList();
            foreach (var r in app.Where(r => Counts(r) && In(r, from, to)))
            {
                var d = r.Deployment;
                deploys++;
                var started = d.StartedAt ?? d.CreatedAt;
                if (failures.Any(f => f.Release.Deployment.Id < d.Id && f.Release.Deployment.FinishedAt is { } ended && ended <= started && started - ended <= ReworkWindow))
                    rework++;
                if (d is { State: DeploymentState.Succeeded, Kind: DeploymentKind.Deploy or DeploymentKind.Promote, Sha: not null })
                {
                    if (!oldestCommit.TryGetValue(d.Id, out var oldest)) unknown++;
                    else if (oldest is not { } commit) nothingNew++;
                    else leads.Add(Max(d.FinishedAt!.Value - commit, TimeSpan.Zero));
                }
                switch (FailureOf(r, app))
                {
                    case null: continue;
                    case FailureKind.Failed: failed++; break;
                    case FailureKind.PutBack: putBack++; break;
                    case FailureKind.RolledBack: rolledBack++; break;
                }
                var good = app.FirstOrDefault(o => o.Deployment.Id > d.Id && o.Deployment.State == DeploymentState.Succeeded);
                if (good?.Deployment.FinishedAt is { } back) recoveries.Add(Max(back - d.FinishedAt!.Value, TimeSpan.Zero));
                else notRecovered++;
            }
        }
        return new DoraFigures(from, to, deploys, failed, putBack, rolledBack, leads.Count, unknown, nothingNew, Median(leads),
            recoveries.Count, notRecovered, Median(recoveries), rework);
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count); null for none.</summary>
    public static TimeSpan? Median(IReadOnlyList<TimeSpan> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static bool In(ReleaseRecord r, DateTimeOffset from, DateTimeOffset to) =>
        r.Deployment.FinishedAt is { } at && at >= from && at < to;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A release of code: what the store's query returns, and all the figures look at (config changes and tasks are not).</summary>
    private static bool IsCode(ReleaseRecord r) => r.Deployment.Kind is DeploymentKind.Deploy or DeploymentKind.Rollback or DeploymentKind.Promote;

    /// <summary>Each app/env's releases of code, oldest first: the order they went live in.</summary>
    private static IEnumerable<List<ReleaseRecord>> ByApp(IReadOnlyList<ReleaseRecord> releases) =>
        releases.Where(IsCode).GroupBy(r => (r.Deployment.App, r.Deployment.Env)).Select(g => g.OrderBy(r => r.Deployment.Id).ToList());
}
