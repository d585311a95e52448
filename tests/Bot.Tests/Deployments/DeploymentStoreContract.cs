using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>
/// What every <see cref="IDeploymentStore"/> must do. Each store's test class derives from this and
/// says how to make a fresh, migrated store.
/// </summary>
public abstract partial class DeploymentStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IDeploymentStore> CreateStoreAsync();

    protected static NewDeployment New(string app = "web", string env = "production", string user = "alice", DateTimeOffset? at = null) =>
        new(app, env, DeploymentKind.Deploy, "main", "3f2a1c9d00000000000000000000000000000000", "Fix login",
            new Origin("slack", "C1", null, user, user), null, false, at ?? T0);

    private static Deployment Queued(EnqueueResult r) => Assert.IsType<Enqueued>(r).Deployment;

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(CancellationToken.None);
        Assert.True(await store.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Numbers_deployments_per_app()
    {
        var store = await CreateStoreAsync();
        var first = Queued(await store.EnqueueAsync(New(), default));
        var other = Queued(await store.EnqueueAsync(New(app: "api"), default));
        await store.FinishAsync(first.Id, DeploymentState.Succeeded, null, "r1", null, T0, default);
        var second = Queued(await store.EnqueueAsync(New(), default));
        Assert.Equal((1, 1, 2), (first.Number, other.Number, second.Number));
        Assert.Equal(DeploymentState.Queued, second.State);
        Assert.Equal(("main", "Fix login", "alice"), (second.Ref, second.Subject, second.Origin.UserName));
    }

    [Fact]
    public async Task Refuses_a_second_deployment_of_the_same_app_and_env_and_names_the_holder()
    {
        var store = await CreateStoreAsync();
        var first = Queued(await store.EnqueueAsync(New(), default));
        var blocked = Assert.IsType<Blocked>(await store.EnqueueAsync(New(user: "bob"), default));
        Assert.Equal(LockKind.Deploy, blocked.Lock.Kind);
        Assert.Equal(first.Id, blocked.Holder!.Id);
        Assert.Equal("slack:alice", blocked.Lock.HolderId);
        Queued(await store.EnqueueAsync(New(env: "staging"), default));
    }

    [Fact]
    public async Task Finishing_frees_the_app_and_records_the_state_once()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(New(), default));
        var done = await store.FinishAsync(d.Id, DeploymentState.Failed, "Build failed", null, null, T0.AddMinutes(1), default);
        var again = await store.FinishAsync(d.Id, DeploymentState.Succeeded, null, null, null, T0.AddMinutes(2), default);
        Assert.Equal((DeploymentState.Failed, "Build failed"), (done.State, done.Message));
        Assert.Equal(DeploymentState.Failed, again.State);
        Assert.Empty(await store.LocksAsync("web", default));
        var states = (await store.EventsAsync(d.Id, 0, 100, default)).Where(e => e.Kind == LineKind.State).Select(e => e.Text);
        Assert.Equal(["queued", "failed"], states);
        Queued(await store.EnqueueAsync(New(), default));
    }

    [Fact]
    public async Task A_manual_lock_stops_others_but_not_its_holder()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.LockAsync(new LockInfo("web", "production", LockKind.Manual, "slack:alice", "alice", "db work", T0, null), default));
        var existing = await store.LockAsync(new LockInfo("web", "production", LockKind.Manual, "slack:bob", "bob", null, T0, null), default);
        Assert.Equal("alice", existing!.HolderName);
        var blocked = Assert.IsType<Blocked>(await store.EnqueueAsync(New(user: "bob"), default));
        Assert.Equal(("db work", LockKind.Manual), (blocked.Lock.Reason, blocked.Lock.Kind));
        Queued(await store.EnqueueAsync(New(user: "alice"), default));
        Assert.NotNull(await store.UnlockAsync("web", "production", LockKind.Manual, default));
        Assert.Null(await store.UnlockAsync("web", "production", LockKind.Manual, default));
    }

    [Fact]
    public async Task A_freeze_stops_everyone()
    {
        var store = await CreateStoreAsync();
        await store.LockAsync(new LockInfo(LockInfo.All, LockInfo.All, LockKind.Freeze, "slack:carol", "carol", "release week", T0, null), default);
        var blocked = Assert.IsType<Blocked>(await store.EnqueueAsync(New(app: "api", user: "carol"), default));
        Assert.Equal(LockKind.Freeze, blocked.Lock.Kind);
    }

    [Fact]
    public async Task Claims_the_oldest_job_and_marks_it_running()
    {
        var store = await CreateStoreAsync();
        var a = Queued(await store.EnqueueAsync(New(app: "a"), default));
        Queued(await store.EnqueueAsync(New(app: "b"), default));
        var job = await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), null, default);
        Assert.Equal(a.Id, job!.DeploymentId);
        Assert.Equal(DeploymentState.Running, (await store.GetAsync(a.Id, default))!.State);
        Assert.NotNull(await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), null, default));
        Assert.Null(await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), null, default));
    }

    [Fact]
    public async Task Claims_one_deployment_by_id()
    {
        var store = await CreateStoreAsync();
        Queued(await store.EnqueueAsync(New(app: "a"), default));
        var b = Queued(await store.EnqueueAsync(New(app: "b"), default));
        Assert.Equal(b.Id, (await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), b.Id, default))!.DeploymentId);
        Assert.Null(await store.ClaimAsync("w2", T0, TimeSpan.FromMinutes(1), b.Id, default));
    }

    [Fact]
    public async Task Cancelling_a_queued_deployment_ends_it_and_frees_the_app()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(New(), default));
        Assert.Equal(CancelOutcome.CancelledWhileQueued, await store.RequestCancelAsync(d.Id, T0, default));
        Assert.Equal(DeploymentState.Cancelled, (await store.GetAsync(d.Id, default))!.State);
        Assert.Null(await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), null, default));
        Queued(await store.EnqueueAsync(New(), default));
        Assert.Equal(CancelOutcome.NotActive, await store.RequestCancelAsync(d.Id, T0, default));
    }

    [Fact]
    public async Task Cancelling_a_running_deployment_reaches_its_lease_holder()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(New(), default));
        var job = (await store.ClaimAsync("w1", T0, TimeSpan.FromMinutes(1), null, default))!;
        Assert.Equal(LeaseState.Held, await store.RenewAsync(job.Id, "w1", T0.AddMinutes(2), default));
        Assert.Equal(CancelOutcome.Signalled, await store.RequestCancelAsync(d.Id, T0, default));
        Assert.Equal(LeaseState.CancelRequested, await store.RenewAsync(job.Id, "w1", T0.AddMinutes(2), default));
        Assert.Equal(LeaseState.Lost, await store.RenewAsync(job.Id, "someone-else", T0.AddMinutes(2), default));
    }

    [Fact]
    public async Task Recovery_interrupts_jobs_of_gone_owners_and_expired_leases_only()
    {
        var store = await CreateStoreAsync();
        var gone = Queued(await store.EnqueueAsync(New(app: "a"), default));
        var expired = Queued(await store.EnqueueAsync(New(app: "b"), default));
        var alive = Queued(await store.EnqueueAsync(New(app: "c"), default));
        var waiting = Queued(await store.EnqueueAsync(New(app: "d"), default));
        await store.ClaimAsync("dead", T0, TimeSpan.FromMinutes(10), gone.Id, default);
        await store.ClaimAsync("other", T0, TimeSpan.FromSeconds(30), expired.Id, default);
        await store.ClaimAsync("other", T0, TimeSpan.FromMinutes(10), alive.Id, default);

        var interrupted = await store.RecoverAsync(T0.AddMinutes(1), owner => owner == "dead", null, default);

        Assert.Equal([gone.Id, expired.Id], interrupted.Select(d => d.Id).Order());
        Assert.All(interrupted, d => Assert.Equal(DeploymentState.Interrupted, d.State));
        Assert.Equal(DeploymentState.Running, (await store.GetAsync(alive.Id, default))!.State);
        Assert.Equal(DeploymentState.Queued, (await store.GetAsync(waiting.Id, default))!.State);
        var held = (await store.LocksAsync(null, default)).Select(l => l.App).Order();
        Assert.Equal(["c", "d"], held);
    }

    [Fact]
    public async Task Recovery_scoped_to_a_platform_leaves_other_platforms_work_alone()
    {
        var store = await CreateStoreAsync();
        var console = Queued(await store.EnqueueAsync(New(app: "a") with { Origin = new Origin("console", "console", null, "me", "me") }, default));
        var slack = Queued(await store.EnqueueAsync(New(app: "b"), default));
        await store.ClaimAsync("dead", T0, TimeSpan.FromMinutes(10), console.Id, default);
        await store.ClaimAsync("dead", T0, TimeSpan.FromMinutes(10), slack.Id, default);

        var interrupted = await store.RecoverAsync(T0.AddMinutes(1), owner => owner == "dead", "console", default);

        Assert.Equal(console.Id, Assert.Single(interrupted).Id);
        Assert.Equal(DeploymentState.Running, (await store.GetAsync(slack.Id, default))!.State);
    }

    [Fact]
    public async Task A_claimed_note_has_one_winner_and_can_be_handed_on_only_from_what_it_says()
    {
        var store = await CreateStoreAsync();
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.ClaimNoteAsync("card", "7", $"p{i}", null, T0, default)));
        var winner = Assert.Single(claims.Distinct());
        Assert.Equal(winner, await store.GetNoteAsync("card", "7", default));

        Assert.Equal(winner, await store.ClaimNoteAsync("card", "7", "late", "someone-else", T0, default));
        Assert.Equal("next", await store.ClaimNoteAsync("card", "7", "next", winner, T0, default));
        Assert.Equal("next", await store.GetNoteAsync("card", "7", default));
    }

    [Fact]
    public async Task Recovery_ends_a_queued_job_kept_for_a_process_that_is_gone_and_leaves_other_queued_jobs()
    {
        var store = await CreateStoreAsync();
        var orphan = Queued(await store.EnqueueAsync(New(app: "a") with { RunBy = "dead" }, default));
        var kept = Queued(await store.EnqueueAsync(New(app: "b") with { RunBy = "alive" }, default));
        var open = Queued(await store.EnqueueAsync(New(app: "c"), default));

        var interrupted = await store.RecoverAsync(T0.AddHours(1), owner => owner == "dead", null, default);

        var ended = Assert.Single(interrupted);
        Assert.Equal((orphan.Id, DeploymentState.Interrupted), (ended.Id, ended.State));
        Assert.Equal("The bot stopped before this started, so it did not run.", ended.Message);
        Assert.Equal(DeploymentState.Queued, (await store.GetAsync(kept.Id, default))!.State);
        Assert.Equal(DeploymentState.Queued, (await store.GetAsync(open.Id, default))!.State);
        Assert.Equal(["b", "c"], (await store.LocksAsync(null, default)).Select(l => l.App).Order());
        Assert.Equal(kept.Id, (await store.ClaimAsync("alive", T0, TimeSpan.FromMinutes(1), kept.Id, default))!.DeploymentId);
    }

    [Fact]
    public async Task Records_each_delivery_once()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.TryRecordDeliveryAsync("slack", "Ev1", T0, default));
        Assert.False(await store.TryRecordDeliveryAsync("slack", "Ev1", T0, default));
        Assert.True(await store.TryRecordDeliveryAsync("line", "Ev1", T0, default));
    }

    [Fact]
    public async Task An_audit_entry_keyed_by_its_delivery_is_written_once_and_entries_without_a_delivery_always()
    {
        var store = await CreateStoreAsync();
        var entry = new AuditEntry(T0, "slack", "C1", "U1", "alice", "status web", "web", "ok: web is live");
        Assert.True(await store.TryAuditDeliveryAsync("slack", "cmd:T1", entry, default));
        Assert.False(await store.TryAuditDeliveryAsync("slack", "cmd:T1", entry with { Result = "ok: again" }, default));
        Assert.True(await store.TryAuditDeliveryAsync("line", "cmd:T1", entry, default));
        await store.AuditAsync(entry, default);
        await store.AuditAsync(entry, default);
        var log = await store.AuditLogAsync("web", 10, default);
        Assert.Equal(4, log.Count);
        Assert.DoesNotContain(log, e => e.Result == "ok: again");
    }

    [Fact]
    public async Task Keeps_notes_and_overwrites_them()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetNoteAsync("slack-card", "1", default));
        await store.SetNoteAsync("slack-card", "1", "C1/123.456", T0, default);
        await store.SetNoteAsync("slack-card", "1", "C1/789.000", T0, default);
        Assert.Equal("C1/789.000", await store.GetNoteAsync("slack-card", "1", default));
    }

    [Fact]
    public async Task Keeps_the_audit_log_newest_first()
    {
        var store = await CreateStoreAsync();
        await store.AuditAsync(new AuditEntry(T0, "slack", "C1", "U1", "alice", "deploy web", "web", "ok"), default);
        await store.AuditAsync(new AuditEntry(T0.AddSeconds(1), "line", "U2", "U2", "bob", "status", null, "ok"), default);
        Assert.Equal(["status", "deploy web"], (await store.AuditLogAsync(null, 10, default)).Select(e => e.Command));
        Assert.Equal(["deploy web"], (await store.AuditLogAsync("web", 10, default)).Select(e => e.Command));
    }

    [Fact]
    public async Task Keeps_events_in_order_and_tails_output()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(New(), default));
        for (var i = 1; i <= 10; i++)
            await store.AppendEventAsync(d.Id, i % 2 == 0 ? LineKind.Output : LineKind.Step, $"e{i}", T0, default);
        Assert.Equal(["e6", "e8", "e10"], (await store.TailAsync(d.Id, 3, default)).Select(e => e.Text));
        var all = await store.EventsAsync(d.Id, 0, 100, default);
        Assert.Equal(all.OrderBy(e => e.Seq).Select(e => e.Seq), all.Select(e => e.Seq));
        Assert.Equal(5, (await store.EventsAsync(d.Id, all[5].Seq, 100, default)).Count);
    }

    [Fact]
    public async Task Only_one_of_many_simultaneous_requests_for_the_same_app_wins()
    {
        var store = await CreateStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => store.EnqueueAsync(New(user: $"u{i}"), default))));
        Assert.Single(results.OfType<Enqueued>());
        Assert.Equal(19, results.OfType<Blocked>().Count());
    }

    [Fact]
    public async Task Concurrent_writers_keep_numbers_unique_and_nothing_is_lost()
    {
        var store = await CreateStoreAsync();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var d = Queued(await store.EnqueueAsync(New(app: $"app{w % 4}", env: $"e{w}-{i}"), default));
                await store.AppendEventAsync(d.Id, LineKind.Output, "line", T0, default);
                Assert.True(await store.TryRecordDeliveryAsync("test", $"{w}-{i}", T0, default));
                await store.FinishAsync(d.Id, DeploymentState.Succeeded, null, "r", null, T0, default);
            }
        }));
        await Task.WhenAll(writers);
        foreach (var app in Enumerable.Range(0, 4).Select(a => $"app{a}"))
        {
            var numbers = (await store.ListAsync(app, null, 1000, false, default)).Select(d => d.Number).Order().ToList();
            Assert.Equal(Enumerable.Range(1, 50), numbers);
        }
        Assert.Empty(await store.LocksAsync(null, default));
    }
}
