using Bot.Deployments;
using Bot.Deployments.Stats;
using Bot.Tests.Deployments.Stats;

namespace Bot.Tests.Deployments;

/// <summary>The releases the DORA figures are computed from, and the figures themselves, the same on both databases.</summary>
public abstract partial class DeploymentStoreContract
{
    [Fact]
    public async Task Releases_since_are_the_started_code_releases_of_one_env_with_whether_they_went_live()
    {
        var store = await CreateStoreAsync();
        var seeded = await StatsSeed.SeedAsync(store);
        var web = await store.ReleasesSinceAsync("web", "production", StatsSeed.T0.AddDays(-31), default);
        Assert.Equal(["P1", "D1", "D2", "D3", "D4", "D5", "D6", "D7"], web.Select(r => r.Deployment.Subject));
        Assert.Equal([true, true, true, true, true, true, false, false], web.Select(r => r.WentLive));
        Assert.Equal(seeded["D2"].FinishedAt, web[2].Deployment.FinishedAt);

        var all = await store.ReleasesSinceAsync(null, "production", StatsSeed.T0.AddDays(-31), default);
        Assert.Equal(["P1", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "A1"], all.Select(r => r.Deployment.Subject));
    }

    [Fact]
    public async Task Releases_since_bring_each_apps_last_good_release_from_before()
    {
        var store = await CreateStoreAsync();
        await StatsSeed.SeedAsync(store);
        var web = await store.ReleasesSinceAsync("web", "production", StatsSeed.T0.AddDays(3), default);
        Assert.Equal(["D3", "D4", "D5", "D6", "D7"], web.Select(r => r.Deployment.Subject));
        var all = await store.ReleasesSinceAsync(null, "production", StatsSeed.T0.AddDays(3), default);
        Assert.Equal(["D3", "D4", "D5", "D6", "D7", "A1"], all.Select(r => r.Deployment.Subject));
    }

    [Fact]
    public async Task The_figures_from_the_store_are_the_ones_worked_out_by_hand()
    {
        var store = await CreateStoreAsync();
        var seeded = await StatsSeed.SeedAsync(store);
        var releases = await store.ReleasesSinceAsync("web", "production", StatsSeed.T0.AddDays(-31), default);
        var f = DoraCalculator.Compute(releases, StatsSeed.OldestById(seeded.Select(x => (x.Key, x.Value.Id))), StatsSeed.T0, StatsSeed.Now);
        Assert.Equal((6, 1, 1, 1), (f.Deploys, f.Failed, f.PutBack, f.RolledBack));
        Assert.Equal((2, 1, TimeSpan.FromMinutes(172.5)), (f.Recovered, f.NotRecovered, f.Recovery!.Value));
        Assert.Equal(2, f.Rework);
        Assert.Equal((2, 1, TimeSpan.FromMinutes(95)), (f.LeadMeasured, f.LeadUnknown, f.LeadTime!.Value));
    }
}
