using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Tests.Support;

namespace Bot.Tests.Deployments;

/// <summary>The store contract on a real PostgreSQL, plus what only matters when several processes share one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture postgres) : DeploymentStoreContract, IAsyncLifetime
{
    private readonly List<PostgresDeploymentStore> _stores = [];

    protected override async Task<IDeploymentStore> CreateStoreAsync() => Keep(await postgres.NewStoreAsync());

    /// <summary>Another process on the same database: its own connection pool, nothing shared in memory.</summary>
    private PostgresDeploymentStore Open(string url) => Keep(PostgresDeploymentStore.FromUrl(url));

    private PostgresDeploymentStore Keep(PostgresDeploymentStore store)
    {
        _stores.Add(store);
        return store;
    }

    protected override async Task<(IDeploymentStore First, IDeploymentStore Second)> CreateReplicasAsync()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var first = Open(url);
        await first.MigrateAsync(default);
        return (first, Open(url));
    }

    [Fact]
    public async Task Replicas_starting_together_migrate_once()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => Open(url)).ToList();
        await Task.WhenAll(replicas.Select(r => Task.Run(() => r.MigrateAsync(default))));
        Assert.All(await Task.WhenAll(replicas.Select(r => r.PingAsync(default))), Assert.True);
        Assert.IsType<Enqueued>(await replicas[0].EnqueueAsync(New(), default));
    }

    [Fact]
    public async Task Four_workers_in_separate_processes_claim_every_job_exactly_once()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var workers = Enumerable.Range(0, 4).Select(_ => Open(url)).ToList();
        await workers[0].MigrateAsync(default);
        const int jobs = 200;
        for (var i = 0; i < jobs; i++)
            Assert.IsType<Enqueued>(await workers[i % 4].EnqueueAsync(New(app: $"app{i}"), default));

        var claimed = await Task.WhenAll(workers.Select((store, w) => Task.Run(async () =>
        {
            var mine = new List<Job>();
            while (await store.ClaimAsync($"worker-{w}", T0, TimeSpan.FromMinutes(1), null, default) is { } job) mine.Add(job);
            return mine;
        })));

        var all = claimed.SelectMany(c => c).ToList();
        Assert.Equal(jobs, all.Count);
        Assert.Equal(jobs, all.Select(j => j.Id).Distinct().Count());
        Assert.All(all, j => Assert.Equal(1, j.Attempts));
        var running = await workers[1].ListAsync(null, null, 1000, activeOnly: true, default);
        Assert.Equal(jobs, running.Count(d => d.State == DeploymentState.Running));
    }

    [Fact]
    public async Task Two_processes_asking_for_one_app_at_once_get_one_lock_and_numbers_without_gaps()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var a = Open(url);
        var b = Open(url);
        await a.MigrateAsync(default);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).EnqueueAsync(New(env: i < 8 ? "production" : $"e{i}", user: $"u{i}"), default))));
        Assert.Single(results.Take(8).OfType<Enqueued>());
        Assert.All(results.Skip(8), r => Assert.IsType<Enqueued>(r));
        Assert.Equal(Enumerable.Range(1, 9), results.OfType<Enqueued>().Select(r => r.Deployment.Number).Order());
        var blocked = results.OfType<Blocked>().First();
        Assert.Equal(results.Take(8).OfType<Enqueued>().Single().Deployment.Id, blocked.Holder!.Id);
    }

    [Fact]
    public async Task A_lease_that_ran_out_is_recovered_by_another_process_and_its_holder_hears_it_lost()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var crashed = Open(url);
        var survivor = Open(url);
        await crashed.MigrateAsync(default);
        var d = Assert.IsType<Enqueued>(await crashed.EnqueueAsync(New(), default)).Deployment;
        var job = (await crashed.ClaimAsync("host-a:1:1", T0, TimeSpan.FromSeconds(30), null, default))!;

        Assert.Empty(await survivor.RecoverAsync(T0.AddSeconds(20), _ => false, null, default));
        Assert.Equal(LeaseState.Held, await crashed.RenewAsync(job.Id, "host-a:1:1", T0.AddSeconds(50), default));
        Assert.Empty(await survivor.RecoverAsync(T0.AddSeconds(40), _ => false, null, default));

        var recovered = Assert.Single(await survivor.RecoverAsync(T0.AddMinutes(1), _ => false, null, default));
        Assert.Equal((d.Id, DeploymentState.Interrupted), (recovered.Id, recovered.State));
        Assert.Equal(LeaseState.Lost, await crashed.RenewAsync(job.Id, "host-a:1:1", T0.AddMinutes(2), default));
        Assert.Empty(await survivor.LocksAsync(null, default));
        Assert.Empty(await crashed.RecoverAsync(T0.AddMinutes(5), _ => true, null, default));
        Assert.Equal(2, Assert.IsType<Enqueued>(await survivor.EnqueueAsync(New(), default)).Deployment.Number);
    }

    [Fact]
    public async Task The_same_alert_arriving_at_two_replicas_at_once_is_one_alert()
    {
        var url = await postgres.NewDatabaseUrlAsync();
        var a = Open(url);
        var b = Open(url);
        await a.MigrateAsync(default);
        var alert = new Alert("generic", "web", "production", AlertSeverity.Critical, "5xx spike", null, null, "5xx", false, T0);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).RecordAlertAsync(alert with { At = T0.AddSeconds(i) }, TimeSpan.FromHours(1), false, default))));
        Assert.Single(results, r => r.Change == AlertChange.New);
        Assert.Equal(10, Assert.Single(await b.AlertsAsync("web", 10, default)).Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
    }
}
