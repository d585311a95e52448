using Bot.Deployments.Stats;
using static Bot.Tests.Deployments.Stats.StatsSeed;

namespace Bot.Tests.Deployments.Stats;

/// <summary>The figures of <see cref="StatsSeed"/>, worked out by hand from its steps (see the comments there).</summary>
public sealed class DoraCalculatorTests
{
    private static (IReadOnlyList<ReleaseRecord> Records, IReadOnlyDictionary<long, DateTimeOffset?> Oldest) Seeded(string? app = "web")
    {
        var all = Records();
        var records = all.Where(x => (app is null || x.Record.Deployment.App == app) && x.Record.Deployment.Env == "production").Select(x => x.Record).ToList();
        return (records, OldestById(all.Select(x => (x.Name, x.Record.Deployment.Id))));
    }

    [Fact]
    public void One_app_counts_six_deploys_three_failures_two_recoveries_and_two_reworks()
    {
        var (records, oldest) = Seeded();
        var f = DoraCalculator.Compute(records, oldest, T0, Now);
        // D1–D6; D7 stopped before going live, D8 never started, C1 is a config change, S1 staging, A1 another app.
        Assert.Equal(6, f.Deploys);
        Assert.Equal((1, 1, 1), (f.Failed, f.PutBack, f.RolledBack));
        Assert.Equal(0.5, f.FailRate);
        // D2 → D3: 4h50m; D4 → D5: 55m; D6 not yet.
        Assert.Equal((2, 1), (f.Recovered, f.NotRecovered));
        Assert.Equal(TimeSpan.FromMinutes((290 + 55) / 2.0), f.Recovery);
        // D3 (4h40m after D2) and D5 (50m after D4).
        Assert.Equal(2, f.Rework);
        Assert.Equal(2.0 / 6, f.ReworkRate);
        // D1 2h10m and D4 1h measured; D3's commits could not be read.
        Assert.Equal((2, 1, 0), (f.LeadMeasured, f.LeadUnknown, f.LeadNothingNew));
        Assert.Equal(TimeSpan.FromMinutes(95), f.LeadTime);
        Assert.Equal(6 / 30.0 * 7, f.PerWeek, 6);
    }

    [Fact]
    public void The_period_before_has_only_the_first_deploy_whose_lead_time_is_unknown()
    {
        var (records, oldest) = Seeded();
        var f = DoraCalculator.Compute(records, oldest, T0.AddDays(-30), T0);
        Assert.Equal((1, 0, 0.0), (f.Deploys, f.Failures, f.FailRate!.Value));
        Assert.Equal((0, 1, (TimeSpan?)null), (f.LeadMeasured, f.LeadUnknown, f.LeadTime));
        Assert.Equal((0, 0, (TimeSpan?)null), (f.Recovered, f.NotRecovered, f.Recovery));
    }

    [Fact]
    public void All_apps_pool_their_deploys_and_a_deploy_with_no_new_commit_is_left_out_of_lead_time()
    {
        var (records, oldest) = Seeded(app: null);
        var f = DoraCalculator.Compute(records, oldest, T0, Now);
        Assert.Equal(7, f.Deploys);
        Assert.Equal(3.0 / 7, f.FailRate);
        Assert.Equal((2, 1, 1), (f.LeadMeasured, f.LeadUnknown, f.LeadNothingNew));
        Assert.Equal(TimeSpan.FromMinutes(95), f.LeadTime);
    }

    [Fact]
    public void Lead_candidates_name_the_release_live_before_each_deploy()
    {
        var (records, _) = Seeded();
        var candidates = DoraCalculator.LeadCandidates(records, T0.AddDays(-30), Now).ToDictionary(c => c.Deployment.Subject!, c => c.PreviousSha?[0]);
        // P1 was the first; D3 follows D1 (D2 never stayed live); the rollback D5 brings nothing and is not a candidate.
        Assert.Equal(new Dictionary<string, char?> { ["P1"] = null, ["D1"] = 'a', ["D3"] = 'b', ["D4"] = 'd' }, candidates);
    }

    [Fact]
    public void Nothing_deployed_gives_no_rates_and_an_even_count_takes_the_middle_two()
    {
        var f = DoraCalculator.Compute([], new Dictionary<long, DateTimeOffset?>(), T0, Now);
        Assert.Equal((0, (double?)null, (double?)null), (f.Deploys, f.FailRate, f.ReworkRate));
        Assert.Null(DoraCalculator.Median([]));
        Assert.Equal(TimeSpan.FromMinutes(3), DoraCalculator.Median([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)]));
    }
}
