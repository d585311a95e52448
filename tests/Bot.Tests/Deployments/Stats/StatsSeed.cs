using Bot.Deployments;
using Bot.Deployments.Stats;

namespace Bot.Tests.Deployments.Stats;

/// <summary>
/// One month of <c>web</c> in production (and a little of other apps and environments) whose figures are worked out by
/// hand in <see cref="DoraCalculatorTests"/>: a put-back, a rollback, a recovery, a failure not yet recovered, rework.
/// Times are from <see cref="T0"/>, the start of the period; <see cref="Now"/> is its end.
/// </summary>
public static class StatsSeed
{
    public static readonly DateTimeOffset T0 = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = T0.AddDays(30);

    /// <summary>A release of code as the store will have it: started at <paramref name="start"/> after T0, ended <paramref name="took"/> later.</summary>
    public sealed record Step(string Name, string App, string Env, DeploymentKind Kind, char Sha, TimeSpan Start, TimeSpan? Took, DeploymentState End, bool WentLive = false)
    {
        public string FullSha => new(Sha, 40);
        public DateTimeOffset StartedAt => T0 + Start;
        public DateTimeOffset? FinishedAt => Took is { } t ? T0 + Start + t : null;
    }

    private static TimeSpan D(double days, double hours = 0, double minutes = 0) => TimeSpan.FromDays(days) + TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes);

    public static readonly Step[] Steps =
    [
        new("P1", "web", "production", DeploymentKind.Deploy, 'a', D(-10), D(0, 0, 10), DeploymentState.Succeeded, WentLive: true),
        new("D1", "web", "production", DeploymentKind.Deploy, 'b', D(1), D(0, 0, 10), DeploymentState.Succeeded, WentLive: true),
        // Went live, failed its health check: put back.
        new("D2", "web", "production", DeploymentKind.Deploy, 'c', D(2), D(0, 0, 20), DeploymentState.Failed, WentLive: true),
        // The fix, 4h40m after D2 ended: rework, and D2's recovery (4h50m).
        new("D3", "web", "production", DeploymentKind.Deploy, 'd', D(2, 5), D(0, 0, 10), DeploymentState.Succeeded, WentLive: true),
        new("D4", "web", "production", DeploymentKind.Deploy, 'e', D(5), D(0, 0, 10), DeploymentState.Succeeded, WentLive: true),
        // D4 rolled back 50m after it ended: D4 failed, this is rework and D4's recovery (55m).
        new("D5", "web", "production", DeploymentKind.Rollback, 'd', D(5, 1), D(0, 0, 5), DeploymentState.Succeeded, WentLive: true),
        // Failed before going live, nothing good since: not recovered.
        new("D6", "web", "production", DeploymentKind.Deploy, 'f', D(10), D(0, 0, 3), DeploymentState.Failed),
        // Cancelled before it changed anything: not a deploy.
        new("D7", "web", "production", DeploymentKind.Deploy, 'g', D(12), D(0, 0, 1), DeploymentState.Cancelled),
        // Cancelled in the queue (never started): not a deploy.
        new("D8", "web", "production", DeploymentKind.Deploy, 'h', D(13), null, DeploymentState.Cancelled),
        // A config change: left out.
        new("C1", "web", "production", DeploymentKind.Config, 'd', D(14), D(0, 0, 2), DeploymentState.Succeeded, WentLive: true),
        // Another environment and another app.
        new("S1", "web", "staging", DeploymentKind.Deploy, 'f', D(9), D(0, 0, 4), DeploymentState.Failed),
        new("A1", "api", "production", DeploymentKind.Deploy, '1', D(3), D(0, 0, 10), DeploymentState.Succeeded, WentLive: true),
    ];

    /// <summary>When the oldest commit each named deploy brought was made (absent: git could not say).</summary>
    public static IReadOnlyDictionary<string, DateTimeOffset?> OldestCommits => new Dictionary<string, DateTimeOffset?>
    {
        ["D1"] = T0 + D(1) - TimeSpan.FromHours(2),      // lead 2h10m
        ["D4"] = T0 + D(5) - TimeSpan.FromMinutes(50),   // lead 1h
        ["A1"] = null,                                   // brought nothing new
    };

    /// <summary>Writes the steps to <paramref name="store"/> as the runner would, <paramref name="shift"/> later; the deployments by step name.</summary>
    public static async Task<Dictionary<string, Deployment>> SeedAsync(IDeploymentStore store, TimeSpan shift = default)
    {
        var byName = new Dictionary<string, Deployment>();
        foreach (var s in Steps)
        {
            var origin = new Origin("slack", "C1", null, "U1", "alice");
            var queued = Assert.IsType<Enqueued>(await store.EnqueueAsync(
                new NewDeployment(s.App, s.Env, s.Kind, "main", s.FullSha, s.Name, origin, null, false, s.StartedAt.AddMinutes(-1) + shift), default)).Deployment;
            if (s.Took is null)
            {
                Assert.Equal(CancelOutcome.CancelledWhileQueued, await store.RequestCancelAsync(queued.Id, s.StartedAt + shift, default));
                byName[s.Name] = (await store.GetAsync(queued.Id, default))!;
                continue;
            }
            Assert.NotNull(await store.ClaimAsync("worker:1:1", s.StartedAt + shift, TimeSpan.FromHours(1), queued.Id, default));
            if (s.WentLive) await store.MarkGoingLiveAsync(queued.Id, "v-before", default);
            byName[s.Name] = await store.FinishAsync(queued.Id, s.End, null, s.End == DeploymentState.Succeeded ? $"v-{s.Name}" : null, null, s.FinishedAt!.Value + shift, default);
        }
        return byName;
    }

    /// <summary>The same steps as records, built by hand (no store): ids in order, as a store gives them.</summary>
    public static IReadOnlyList<(string Name, ReleaseRecord Record)> Records() =>
        Steps.Select((s, i) => (s.Name, new ReleaseRecord(new Deployment(i + 1, s.App, s.Env, i + 1, s.Kind, "main", s.FullSha, s.Name,
            new Origin("slack", "C1", null, "U1", "alice"), s.Took is null ? DeploymentState.Cancelled : s.End, s.StartedAt.AddMinutes(-1),
            s.Took is null ? null : s.StartedAt, s.Took is null ? s.StartedAt : s.FinishedAt, null, null, null, null, false), s.WentLive)))
        .ToList();

    public static IReadOnlyDictionary<long, DateTimeOffset?> OldestById(IEnumerable<(string Name, long Id)> ids) =>
        ids.Where(x => OldestCommits.ContainsKey(x.Name)).ToDictionary(x => x.Id, x => OldestCommits[x.Name]);
}
