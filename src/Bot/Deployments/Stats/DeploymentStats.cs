namespace Bot.Deployments.Stats;

/// <summary>Reads the releases of a scope from the store, finds their lead times, and computes the figures of both periods and of each week.</summary>
public sealed class DeploymentStats(IDeploymentStore store, LeadTimes leadTimes, TimeProvider time)
{
    /// <summary>
    /// One report at a time: each holds every release of its two periods, which for a busy app is thousands of rows, so
    /// a burst of <c>stats</c> queues here instead of multiplying that in memory.
    /// </summary>
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <param name="include">Which apps count (with <see cref="StatsScope.App"/> null): those the asker may see.</param>
    public async Task<StatsReport> ReportAsync(StatsScope scope, Func<string, bool> include, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ComputeAsync(scope, include, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<StatsReport> ComputeAsync(StatsScope scope, Func<string, bool> include, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var length = TimeSpan.FromDays(scope.Days);
        var (from, previousFrom) = (now - length, now - length - length);
        // A day more, so a deploy early in the previous period sees a failure just before it (rework).
        var releases = (await store.ReleasesSinceAsync(scope.App, scope.Env, previousFrom - DoraCalculator.ReworkWindow, cancellationToken).ConfigureAwait(false))
            .Where(r => include(r.Deployment.App)).ToList();
        var oldest = await leadTimes.FindAsync(DoraCalculator.LeadCandidates(releases, previousFrom, now), cancellationToken).ConfigureAwait(false);
        var weeks = new List<DoraFigures>();
        for (var end = now; end > previousFrom; end -= TimeSpan.FromDays(7))
        {
            var start = end - TimeSpan.FromDays(7) is var s && s < previousFrom ? previousFrom : s;
            weeks.Insert(0, DoraCalculator.Compute(releases, oldest, start, end));
        }
        return new StatsReport(scope, DoraCalculator.Compute(releases, oldest, from, now), DoraCalculator.Compute(releases, oldest, previousFrom, from), weeks);
    }
}
