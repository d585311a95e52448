using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>The contract's part for retention: what a prune step removes and what it keeps, in small steps, and the stats.</summary>
public abstract partial class DeploymentStoreContract
{
    private static readonly DateTimeOffset Cutoff = T0.AddDays(-90);

    /// <summary>A deployment of <paramref name="app"/> queued at <paramref name="at"/>, with <paramref name="lines"/> output lines, a step and a notice.</summary>
    private static async Task<Deployment> WithOutputAsync(IDeploymentStore store, string app, DateTimeOffset at, int lines, DateTimeOffset? finished)
    {
        var d = Queued(await store.EnqueueAsync(New(app: app, at: at), default));
        await store.AppendEventAsync(d.Id, LineKind.Step, "build", at, default);
        for (var i = 0; i < lines; i++)
            await store.AppendEventAsync(d.Id, i % 2 == 0 ? LineKind.Output : LineKind.ErrorOutput, $"line {i}", at, default);
        await store.AppendEventAsync(d.Id, LineKind.Notice, "The previous release is back.", at, default);
        if (finished is { } end) await store.FinishAsync(d.Id, DeploymentState.Succeeded, "Deployed.", "v1", null, end, default);
        return d;
    }

    private static async Task<List<StoryLine>> LinesAsync(IDeploymentStore store, long id) => [.. await store.EventsAsync(id, 0, 10_000, default)];

    [Fact]
    public async Task Pruning_removes_the_output_of_deployments_finished_before_the_cutoff_and_keeps_their_state_lines_and_row()
    {
        var store = await CreateStoreAsync();
        var old = await WithOutputAsync(store, "web", T0.AddDays(-100), 3, T0.AddDays(-95));
        var recent = await WithOutputAsync(store, "api", T0.AddDays(-10), 3, T0.AddDays(-9));
        var unfinished = await WithOutputAsync(store, "docs", T0.AddDays(-100), 3, null);

        var step = await store.PruneOutputAsync(Cutoff, "90d", T0, 1000, default);

        Assert.Equal(new PruneResult(5, 1), step);
        Assert.Equal([(LineKind.State, "queued"), (LineKind.State, "succeeded")], (await LinesAsync(store, old.Id)).Select(e => (e.Kind, e.Text)));
        var kept = (await store.GetAsync(old.Id, default))!;
        Assert.Equal((DeploymentState.Succeeded, "Deployed.", "v1", old.Sha, "alice", T0.AddDays(-95)), (kept.State, kept.Message, kept.Release, kept.Sha, kept.Origin.UserName, kept.FinishedAt));
        Assert.Equal(new OutputRemoval(T0, "90d"), kept.OutputRemoved);
        Assert.Equal("Output removed on 2026-11-25 (Retention:Output = 90d).", kept.OutputRemoved!.Describe());
        Assert.Equal(7, (await LinesAsync(store, recent.Id)).Count);
        Assert.Equal(6, (await LinesAsync(store, unfinished.Id)).Count);
        Assert.Null((await store.GetAsync(recent.Id, default))!.OutputRemoved);
        Assert.Null((await store.GetAsync(unfinished.Id, default))!.OutputRemoved);
        Assert.Empty(await store.TailAsync(old.Id, 10, default));

        Assert.Equal(new PruneResult(0, 0), await store.PruneOutputAsync(Cutoff, "90d", T0, 1000, default));
    }

    [Fact]
    public async Task Pruning_goes_in_steps_of_at_most_the_lines_asked_for_and_marks_a_deployment_only_once_all_are_gone()
    {
        var store = await CreateStoreAsync();
        var big = await WithOutputAsync(store, "web", T0.AddDays(-100), 23, T0.AddDays(-99));
        var small = await WithOutputAsync(store, "api", T0.AddDays(-98), 1, T0.AddDays(-97));

        var steps = new List<PruneResult>();
        for (var i = 0; i < 10; i++)
        {
            var step = await store.PruneOutputAsync(Cutoff, "90d", T0, 10, default);
            steps.Add(step);
            if (step is { Lines: 0, Deployments: 0 }) break;
            if (steps.Count == 1) Assert.Null((await store.GetAsync(big.Id, default))!.OutputRemoved);
        }

        // 25 lines of the oldest, then the rest of it and the next one's 3 in the same step.
        Assert.Equal([new PruneResult(10, 0), new PruneResult(10, 0), new PruneResult(8, 2), new PruneResult(0, 0)], steps);
        Assert.All(await LinesAsync(store, big.Id), e => Assert.Equal(LineKind.State, e.Kind));
        Assert.All(await LinesAsync(store, small.Id), e => Assert.Equal(LineKind.State, e.Kind));
        Assert.NotNull((await store.GetAsync(small.Id, default))!.OutputRemoved);
    }

    [Fact]
    public async Task A_finished_deployment_with_no_output_is_passed_over_once_and_never_said_to_have_lost_any()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(New(at: T0.AddDays(-100)), default));
        await store.FinishAsync(d.Id, DeploymentState.Cancelled, null, null, null, T0.AddDays(-100), default);

        Assert.Equal(new PruneResult(0, 1), await store.PruneOutputAsync(Cutoff, "90d", T0, 1000, default));
        Assert.Equal(new PruneResult(0, 0), await store.PruneOutputAsync(Cutoff, "90d", T0, 1000, default));
        Assert.Null((await store.GetAsync(d.Id, default))!.OutputRemoved);
        Assert.Equal(2, (await LinesAsync(store, d.Id)).Count);
    }

    [Fact]
    public async Task Pruning_the_audit_log_removes_only_entries_older_than_the_cutoff_in_steps()
    {
        var store = await CreateStoreAsync();
        foreach (var days in new[] { 40, 35, 31, 1 })
            await store.AuditAsync(Audited(T0.AddDays(-days), "U1", $"deploy web {days}", "web", AuditOutcome.Ok), default);

        Assert.Equal(2, await store.PruneAuditAsync(T0.AddDays(-30), 2, default));
        Assert.Equal(1, await store.PruneAuditAsync(T0.AddDays(-30), 2, default));
        Assert.Equal(0, await store.PruneAuditAsync(T0.AddDays(-30), 2, default));
        Assert.Equal(["deploy web 1"], (await store.AuditLogAsync(null, 10, default)).Select(e => e.Command));
    }

    [Fact]
    public async Task Stats_count_every_row_of_every_table()
    {
        var store = await CreateStoreAsync();
        await WithOutputAsync(store, "web", T0, 4, T0);
        await store.AuditAsync(Audited(T0, "U1", "deploy web", "web", AuditOutcome.Ok), default);

        var stats = await store.StatsAsync(default);

        var rows = stats.Tables.ToDictionary(t => t.Name, t => t.Rows);
        Assert.Equal((1L, 8L, 1L, 0L), (rows["deployments"], rows["deployment_events"], rows["audit"], rows["alerts"]));
        Assert.Contains("schema_version", rows.Keys);
    }
}
