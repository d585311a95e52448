using System.Text.Json.Nodes;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets.CloudRun;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>Rollback, previews, canaries and image-only deploys: traffic moved between revisions and read back.</summary>
public sealed class CloudRunTrafficTests
{
    private static readonly Dictionary<string, string?> WithPreview = new()
    {
        ["Apps:site:Environments:production:DefaultBranch"] = "main",
        ["Apps:site:Environments:preview:CloudRun:Preview"] = "true",
    };

    private static AppEnvConfig Env(CloudRunRig rig, string env = "production") =>
        rig.Bot.Services.GetRequiredService<AppCatalog>().Find("site")!.ByEnv[env];

    private static CloudRunTarget Target(CloudRunRig rig) => rig.Bot.Services.GetRequiredService<CloudRunTarget>();

    [Fact]
    public async Task Rollback_sends_all_traffic_back_to_the_revision_that_served_before()
    {
        await using var rig = await CloudRunRig.StartAsync();
        var deployed = await rig.DeployAsync();
        Assert.Equal(new Dictionary<string, int> { [deployed.Release!] = 100 }, rig.Traffic());

        var back = await rig.DeployAsync("rollback site");

        Assert.True(back.State == DeploymentState.Succeeded, back.Message);
        Assert.Equal("site-00002-bbb", back.Release);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
        Assert.Contains("Traffic verified: site-00002-bbb 100%.", await rig.EventsAsync(back.Id));
        Assert.Equal(3, rig.Service.Revisions.Count); // the rollback made no revision
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_after_two_deploys_goes_to_the_first_one_by_its_deployment_label_and_a_named_revision_works_too()
    {
        await using var rig = await CloudRunRig.StartAsync();
        var first = await rig.DeployAsync();
        rig.Repo.Commit("Second", ("index.html", "<h1>2</h1>"));
        var second = await rig.DeployAsync();

        var back = await rig.DeployAsync("rollback site");
        Assert.Equal(first.Release, back.Release);
        Assert.Equal(new Dictionary<string, int> { [first.Release!] = 100 }, rig.Traffic());

        var named = await rig.DeployAsync("rollback site site-00001-aaa");
        Assert.True(named.State == DeploymentState.Succeeded, named.Message);
        Assert.Equal(new Dictionary<string, int> { ["site-00001-aaa"] = 100 }, rig.Traffic());
        Assert.NotEqual(first.Release, second.Release);
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_preview_is_a_tagged_revision_with_no_traffic_answered_with_its_tag_url_and_promote_moves_traffic_to_it()
    {
        await using var rig = await CloudRunRig.StartAsync(WithPreview);
        rig.Repo.Branch("feature-x");
        rig.Repo.Commit("Feature X", ("index.html", "<h1>X</h1>"));

        var preview = await rig.DeployAsync("deploy site feature-x as preview");

        Assert.True(preview.State == DeploymentState.Succeeded, preview.Message);
        Assert.Equal("preview", preview.Env);
        Assert.Equal(rig.Service.TagUri("preview"), preview.Url);
        Assert.StartsWith("https://preview---site-", preview.Url);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
        Assert.Contains(FakeGoogleCloud.Resolved(rig.Service), t => t.Tag == "preview" && t.Revision == preview.Release && t.Percent == 0);

        var answer = await Target(rig).PromoteAsync(Env(rig), "preview", CancellationToken.None);

        Assert.Contains($"All traffic of site is on {preview.Release} now", answer);
        Assert.Equal(new Dictionary<string, int> { [preview.Release!] = 100 }, rig.Traffic());
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_canary_gets_its_share_next_to_the_serving_revision_until_promoted()
    {
        await using var rig = await CloudRunRig.StartAsync(new Dictionary<string, string?> { ["Apps:site:CloudRun:Canary"] = "10" });

        var d = await rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 10, ["site-00002-bbb"] = 90 }, rig.Traffic());
        Assert.Contains(await rig.EventsAsync(d.Id), e => e.StartsWith($"Traffic verified: site-00002-bbb 90%, {d.Release} 10%.", StringComparison.Ordinal) && e.Contains("promote site canary"));

        await Target(rig).PromoteAsync(Env(rig), "canary", CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 100 }, rig.Traffic());
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task With_an_image_configured_there_is_no_build_and_the_sha_is_filled_in()
    {
        await using var rig = await CloudRunRig.StartAsync(new Dictionary<string, string?> { ["Apps:site:CloudRun:Image"] = "asia-docker.pkg.dev/acme-prod/apps/site:{sha}" });

        var d = await rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Empty(rig.Google.Builds);
        Assert.Equal($"asia-docker.pkg.dev/acme-prod/apps/site:{rig.Repo.Head()}", rig.Service.Revisions[^1].Image);
        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 100 }, rig.Traffic());
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Without_an_https_url_for_cloud_build_a_deploy_says_what_to_set_and_nothing_runs()
    {
        await using var rig = await CloudRunRig.StartAsync(new Dictionary<string, string?> { ["Apps:site:CloudRun:GitUrl"] = null });

        var d = await rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("is not an https URL it can reach", d.Message);
        Assert.Empty(rig.Google.Builds);
        Assert.Equal(0, rig.Service.Patches);
    }

    [Fact]
    public async Task Rollback_to_a_revision_the_service_no_longer_has_fails_and_traffic_stays()
    {
        await using var rig = await CloudRunRig.StartAsync();
        rig.Service.Traffic = [new JsonObject { ["type"] = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", ["revision"] = "site-00001-aaa", ["percent"] = 100 }];
        rig.Service.Revisions.RemoveAt(1);

        var d = await rig.DeployAsync("rollback site site-00002-bbb");

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("has no revision site-00002-bbb", d.Message);
        Assert.Equal(new Dictionary<string, int> { ["site-00001-aaa"] = 100 }, rig.Traffic());
    }
}
