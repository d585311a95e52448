using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>The contract's part for what the stores keep beside the queue: alerts, lock listings, and the reads of deployments.</summary>
public abstract partial class DeploymentStoreContract
{
    private static Alert Firing(string? env, DateTimeOffset at, string? detail = "p99 4s") =>
        new("generic", "web", env, AlertSeverity.Warning, "Slow responses", detail, null, "latency", false, at);

    [Fact]
    public async Task An_alert_repeats_within_its_window_resolves_once_and_a_late_resolution_is_kept_alone()
    {
        var store = await CreateStoreAsync();
        var window = TimeSpan.FromMinutes(30);
        var (first, change) = await store.RecordAlertAsync(Firing(null, T0), window, muted: true, default);
        Assert.Equal((AlertChange.New, AlertState.Firing, 1, true), (change, first.State, first.Count, first.Muted));

        // No env matches no env only; a detail left out keeps the one recorded.
        var (again, repeated) = await store.RecordAlertAsync(Firing(null, T0.AddMinutes(10), detail: null) with { Severity = AlertSeverity.Critical }, window, false, default);
        Assert.Equal((AlertChange.Repeated, first.Id, 2, AlertSeverity.Critical, "p99 4s"), (repeated, again.Id, again.Count, again.Severity, again.Detail));
        Assert.Equal((T0, T0.AddMinutes(10)), (again.FirstAt, again.LastAt));
        var (elsewhere, other) = await store.RecordAlertAsync(Firing("production", T0.AddMinutes(11)), window, false, default);
        Assert.Equal(AlertChange.New, other);

        var (closed, resolved) = await store.RecordAlertAsync(Firing(null, T0.AddMinutes(12)) with { Resolved = true }, window, false, default);
        Assert.Equal((AlertChange.Resolved, first.Id, AlertState.Resolved, T0.AddMinutes(12)), (resolved, closed.Id, closed.State, closed.ResolvedAt));
        var (late, nothingOpen) = await store.RecordAlertAsync(Firing(null, T0.AddMinutes(13)) with { Resolved = true }, window, false, default);
        Assert.Equal((AlertChange.NothingOpen, AlertState.Resolved, false), (nothingOpen, late.State, late.Muted));

        // Past the window a repeat is a new alert.
        var (_, afterWindow) = await store.RecordAlertAsync(Firing("production", T0.AddHours(2)), window, false, default);
        Assert.Equal(AlertChange.New, afterWindow);
        Assert.Equal(4, (await store.AlertsAsync("web", 10, default)).Count);
        Assert.Equal([late.Id, elsewhere.Id], (await store.AlertsAsync(null, 3, default)).Skip(1).Select(a => a.Id));
        Assert.Empty(await store.AlertsAsync("api", 10, default));
    }

    [Fact]
    public async Task Lists_an_apps_locks_with_the_freeze_in_byte_order()
    {
        var store = await CreateStoreAsync();
        LockInfo Manual(string app, string env) => new(app, env, LockKind.Manual, "slack:alice", "alice", null, T0, null);
        foreach (var l in new[] { Manual("web", "staging"), Manual("web", "Production"), Manual("api", "production") })
            Assert.Null(await store.LockAsync(l, default));
        await store.LockAsync(new LockInfo(LockInfo.All, LockInfo.All, LockKind.Freeze, "slack:carol", "carol", null, T0.AddMinutes(1), null), default);
        var web = await store.LocksAsync("web", default);
        Assert.Equal(["*/*", "web/Production", "web/staging"], web.Select(l => $"{l.App}/{l.Env}"));
        Assert.Equal((T0.AddMinutes(1), "carol"), (web[0].Since, web[0].HolderName));
        Assert.Equal(4, (await store.LocksAsync(null, default)).Count);
        var freed = await store.UnlockAsync("web", "staging", LockKind.Manual, default);
        Assert.Equal(("web", "staging", LockKind.Manual, T0), (freed!.App, freed.Env, freed.Kind, freed.Since));
    }

    [Fact]
    public async Task Reads_deployments_by_number_by_app_and_env_and_what_succeeded()
    {
        var store = await CreateStoreAsync();
        var first = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default)).Deployment;
        await store.SetCommitAsync(first.Id, null, "aaaa", "Ship it", default);
        await store.FinishAsync(first.Id, DeploymentState.Succeeded, null, "v1", "https://web.example", T0.AddMinutes(1), default);
        var second = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(at: T0.AddMinutes(2)), default)).Deployment;
        var staging = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(env: "staging"), default)).Deployment;

        var found = await store.FindAsync("web", 1, default);
        Assert.Equal(("main", "aaaa", "Ship it", "v1", "https://web.example"), (found!.Ref, found.Sha, found.Subject, found.Release, found.Url));
        Assert.Equal((T0.AddMinutes(1), DeploymentState.Succeeded), (found.FinishedAt, found.State));
        Assert.Null(await store.FindAsync("web", 9, default));
        Assert.Equal([staging.Id, second.Id, first.Id], (await store.ListAsync("web", null, 10, false, default)).Select(d => d.Id));
        Assert.Equal([second.Id, first.Id], (await store.ListAsync("web", "production", 10, false, default)).Select(d => d.Id));
        Assert.Equal([staging.Id, second.Id], (await store.ListAsync(null, null, 10, activeOnly: true, default)).Select(d => d.Id));
        Assert.Equal([first.Id], (await store.SucceededAsync("web", "production", 5, default)).Select(d => d.Id));
        Assert.Empty(await store.SucceededAsync("web", "staging", 5, default));
    }
}
