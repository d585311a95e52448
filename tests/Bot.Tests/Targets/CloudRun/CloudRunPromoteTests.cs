using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.CloudRun;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// Promoting site from staging (the service <c>site-staging</c>) to production (<c>site</c>) against the fake Google APIs:
/// production gets a new revision of the very image staging serves, by digest, and Cloud Build does not run.
/// </summary>
public sealed class CloudRunPromoteTests : IAsyncLifetime
{
    private const string Sha = "3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    private static readonly string Image = $"asia-docker.pkg.dev/{FakeGoogleCloud.Project}/apps/site@sha256:1a2b3c4d5e6f{new string('0', 52)}";
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync() => _rig = await CloudRunRig.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:site:Environments:staging:CloudRun:Service"] = "site-staging",
        ["Apps:site:Environments:production:CloudRun:Service"] = "site",
        ["Apps:site:Environments:qa:CloudRun:Service"] = "site-qa",
    }, google =>
    {
        // Staging serves a revision the bot built: its image by digest, labelled with its commit.
        var staging = google.AddService("site-staging");
        staging.Revisions.Add(new FakeRevision("site-staging-d3-3f2a1c9", Image, new JsonObject { ["deploybot-sha"] = Sha }, null, DateTimeOffset.UtcNow.AddHours(-1), true, null));
        // QA was never deployed: no revision, no traffic.
        var qa = google.AddService("site-qa");
        qa.Traffic = [];
        qa.Revisions.Clear();
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private CloudRunTarget Target => _rig.Bot.Services.GetServices<IDeployTarget>().OfType<CloudRunTarget>().Single();

    private AppEnvConfig Env(string env) => _rig.Bot.Services.GetRequiredService<AppCatalog>().Find("site")!.ByEnv[env];

    [Fact]
    public async Task The_live_artifact_of_staging_is_its_serving_revision_and_image_by_digest_with_its_commit()
    {
        var artifact = await Target.LiveArtifactAsync(Env("staging"), default);

        Assert.Equal(new PromotableRelease(Image, "revision site-staging-d3-3f2a1c9 (image site@sha256:1a2b3c4d5e6f)", Sha), artifact);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Promote_rolls_the_staging_image_out_on_production_by_digest_with_no_build()
    {
        var artifact = (await Target.LiveArtifactAsync(Env("staging"), default))!;
        Dictionary<string, int>? trafficWhenGoingLive = null;

        var events = new List<DeployEvent>();
        await foreach (var e in Target.PromoteAsync(new PromoteRequest(Env("staging"), Env("production"), 7, artifact, "alice"), default))
        {
            if (e is GoingLive) trafficWhenGoingLive = _rig.Traffic();
            events.Add(e);
        }

        var made = _rig.Service.Revisions[^1];
        Assert.Equal(("site-d7-3f2a1c9", Image, Sha), (made.Name, made.Image, made.Labels!["deploybot-sha"]!.GetValue<string>()));
        Assert.Equal(new Dictionary<string, int> { ["site-d7-3f2a1c9"] = 100 }, _rig.Traffic());
        Assert.Empty(_rig.Google.Builds);
        // Announced while the revision that served before still had all the traffic.
        Assert.Equal(new GoingLive("site-00002-bbb"), Assert.Single(events.OfType<GoingLive>()));
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, trafficWhenGoingLive);
        Assert.Equal(new Released("site-d7-3f2a1c9", _rig.Service.Uri), events[^1]);
        Assert.Equal(new Dictionary<string, int> { ["site-staging-d3-3f2a1c9"] = 100 },
            FakeGoogleCloud.Resolved(_rig.Google.Service("site-staging")).GroupBy(t => t.Revision).ToDictionary(g => g.Key, g => g.Sum(t => t.Percent)));
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Putting_back_after_a_promote_sends_all_traffic_to_the_revision_that_served_before()
    {
        var artifact = (await Target.LiveArtifactAsync(Env("staging"), default))!;
        await foreach (var _ in Target.PromoteAsync(new PromoteRequest(Env("staging"), Env("production"), 7, artifact), default)) { }

        var events = new List<DeployEvent>();
        await foreach (var e in Target.PutBackAsync(Env("production"), "site-00002-bbb", default)) events.Add(e);

        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, _rig.Traffic());
        Assert.Equal(PutBackEnded.Restored(healthChecked: false), events[^1]);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_service_with_no_traffic_has_nothing_to_promote()
    {
        var artifact = await Target.LiveArtifactAsync(Env("qa"), default);

        Assert.Null(artifact);
        Assert.Contains("`deploy site <branch> to qa`", PromoteRefusals.NothingLive(Env("qa"), Env("production")).Hint);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Promoting_a_service_onto_itself_is_refused_and_the_service_is_untouched()
    {
        var staging = Env("staging");
        var artifact = (await Target.LiveArtifactAsync(staging, default))!;

        var e = await Assert.ThrowsAsync<DeployFailedException>(async () =>
        {
            await foreach (var _ in Target.PromoteAsync(new PromoteRequest(staging, staging, 7, artifact), default)) { }
        });

        Assert.Equal("staging and staging of site are both the Cloud Run service site-staging, so promoting would change nothing.", e.Message);
        Assert.Equal(0, _rig.Google.Service("site-staging").Patches);
    }
}
