using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Heroku;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// Promoting web from staging (the Heroku app acme-web-staging) to production (acme-web): the staging slug is released on
/// production as it is, against the fake Platform API.
/// </summary>
public sealed class HerokuPromoteTests : IAsyncLifetime
{
    private HerokuRig _rig = null!;

    public async Task InitializeAsync() => _rig = await HerokuRig.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:web:Environments:staging:Heroku:App"] = "acme-web-staging",
        ["Apps:web:Environments:production:Heroku:App"] = "acme-web",
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private HerokuTarget Target => _rig.Bot.Services.GetServices<IDeployTarget>().OfType<HerokuTarget>().Single();

    private AppEnvConfig Env(string env) => _rig.Bot.Services.GetRequiredService<AppCatalog>().Find("web")!.ByEnv[env];

    [Fact]
    public async Task The_live_artifact_of_staging_is_its_current_release_and_slug_with_the_slug_commit()
    {
        var staging = _rig.Heroku.AddApp("acme-web-staging", releases: 42);
        var slug = staging.Current.Slug!;

        var artifact = await Target.LiveArtifactAsync(Env("staging"), default);

        Assert.Equal(new PromotableRelease(slug, $"v42 (slug {slug[..7]})", _rig.Heroku.Slugs[slug]), artifact);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Promote_releases_the_staging_slug_on_production_with_no_build_and_follows_its_release_phase()
    {
        var staging = _rig.Heroku.AddApp("acme-web-staging", releases: 42);
        var artifact = (await Target.LiveArtifactAsync(Env("staging"), default))!;
        _rig.Heroku.NextSlugReleasePhase = ["Running release command...", "Migrations: none to apply"];
        var releasesWhenGoingLive = -1;

        var events = new List<DeployEvent>();
        await foreach (var e in Target.PromoteAsync(new PromoteRequest(Env("staging"), Env("production"), 7, artifact, "alice"), default))
        {
            if (e is GoingLive) releasesWhenGoingLive = _rig.App.Releases.Count;
            events.Add(e);
        }

        var current = _rig.App.Current;
        Assert.Equal((124, staging.Current.Slug, "Promote #7 from staging (v42)"), (current.Version, current.Slug, current.Description));
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/builds"));
        Assert.Empty(_rig.Heroku.Calls("POST", "/sources"));
        // What served before is announced while it still serves: v124 did not exist yet.
        var live = Assert.Single(events.OfType<GoingLive>());
        Assert.Equal("v123", live.Previous);
        Assert.Equal(123, releasesWhenGoingLive);
        Assert.True(events.IndexOf(live) < events.FindIndex(e => e is OutputLine { Text: "Migrations: none to apply" }));
        Assert.Equal(new Released("v124", _rig.App.WebUrl), events[^1]);
        Assert.Equal(42, staging.Current.Version);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_release_phase_of_the_promoted_slug_says_so_and_leaves_production_live()
    {
        _rig.Heroku.AddApp("acme-web-staging", releases: 42);
        var artifact = (await Target.LiveArtifactAsync(Env("staging"), default))!;
        _rig.Heroku.NextSlugReleasePhase = ["Running release command...", "error: relation \"users\" does not exist"];
        _rig.Heroku.NextSlugReleaseSucceeds = false;

        var e = await Assert.ThrowsAsync<DeployFailedException>(async () =>
        {
            await foreach (var _ in Target.PromoteAsync(new PromoteRequest(Env("staging"), Env("production"), 7, artifact), default)) { }
        });

        Assert.Contains("The release phase of v124 failed on Heroku", e.Message);
        Assert.Contains("promote again", e.Hint);
        Assert.Equal(123, _rig.App.Current.Version);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Nothing_live_in_staging_means_no_artifact_and_the_refusal_says_to_deploy_there_first()
    {
        _rig.Heroku.AddApp("acme-web-staging", releases: 0);

        var artifact = await Target.LiveArtifactAsync(Env("staging"), default);

        Assert.Null(artifact);
        var refusal = PromoteRefusals.NothingLive(Env("staging"), Env("production"));
        Assert.Equal("Nothing serves web in staging, so there is nothing to promote to production.", refusal.Message);
        Assert.Contains("`deploy web <branch> to staging`", refusal.Hint);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Promoting_an_app_onto_itself_is_refused_before_anything_is_released()
    {
        var production = Env("production");
        var artifact = (await Target.LiveArtifactAsync(production, default))!;

        var e = await Assert.ThrowsAsync<DeployFailedException>(async () =>
        {
            await foreach (var _ in Target.PromoteAsync(new PromoteRequest(production, production, 7, artifact), default)) { }
        });

        Assert.Equal("production and production of web are both the Heroku app acme-web, so promoting would change nothing.", e.Message);
        Assert.Contains("Heroku:App", e.Hint);
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));
        Assert.Equal(123, _rig.App.Current.Version);
    }

    [Fact]
    public async Task Typed_promote_asks_first_then_releases_the_staging_slug_on_production_as_a_deployment_of_production()
    {
        var staging = _rig.Heroku.AddApp("acme-web-staging", releases: 42);
        var slug = staging.Current.Slug!;

        var asked = await _rig.Bot.SendAsync("promote web staging to production");
        Assert.True(asked.Ok, asked.Messages[0].Text);
        Assert.StartsWith($"Promote v42 (slug {slug[..7]}) from staging to production? ", asked.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("The same artifact, no build.", asked.Messages[0].Text, StringComparison.Ordinal);
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));

        var confirmed = await _rig.Bot.SendAsync("promote web staging to production --yes");
        Assert.True(confirmed.Ok, confirmed.Messages[0].Text);
        var done = await _rig.Bot.WaitFinishedAsync(confirmed.Started!.Id);
        Assert.Equal((Bot.Deployments.DeploymentState.Succeeded, Bot.Deployments.DeploymentKind.Promote, "staging", "production"), (done.State, done.Kind, done.PromoteFrom, done.Env));
        Assert.Equal(slug, _rig.App.Current.Slug);
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/builds"));
        Assert.Contains(await _rig.EventsAsync(done.Id), l => l.StartsWith($"Promoting v42 (slug {slug[..7]}) from staging: no build, the same artifact.", StringComparison.Ordinal));
        _rig.Heroku.AssertNoViolations();
    }
}
