using System.Formats.Tar;
using System.IO.Compression;
using Bot.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>Deploying, rolling back and listing releases of a Heroku app, against the fake Platform API.</summary>
public sealed class HerokuDeployTests : IAsyncLifetime
{
    private HerokuRig _rig = null!;

    public async Task InitializeAsync() => _rig = await HerokuRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_build_that_succeeds_streams_its_output_and_releases_the_next_version()
    {
        _rig.Heroku.NextBuild = new BuildScript(ReleasePhase: ["Running release command...", "Migrations: 3 applied"]);

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal("v124", d.Release);
        Assert.Equal(_rig.App.WebUrl, d.Url);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("-----> Building on the Heroku-24 stack", events);
        Assert.Contains("Migrations: 3 applied", events);
        Assert.Contains($"v124 released: {_rig.App.WebUrl}", events);
        Assert.True(events.IndexOf("Migrations: 3 applied") < events.IndexOf($"v124 released: {_rig.App.WebUrl}"));
        Assert.Equal(124, _rig.App.Current.Version);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task The_build_is_made_from_an_uploaded_git_archive_of_the_commit()
    {
        var d = await _rig.DeployAsync();

        var build = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/builds"));
        Assert.Equal(_rig.Repo.Head(), build.Body!["source_blob"]!["version"]!.GetValue<string>());
        Assert.Equal("Add the app", build.Body["source_blob"]!["version_description"]!.GetValue<string>());
        var (source, tarball) = Assert.Single(_rig.Heroku.Uploads);
        Assert.EndsWith($"_blobs/{source}", build.Body["source_blob"]!["url"]!.GetValue<string>());
        Assert.Contains("Procfile", FilesIn(tarball));
        Assert.Equal(d.Sha, _rig.Repo.Head());
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_build_ends_with_its_last_lines_and_nothing_released()
    {
        _rig.Heroku.NextBuild = new BuildScript(["-----> Building on the Heroku-24 stack", "npm ERR! Missing script: \"build\"", "-----> Build failed"], Succeeds: false);

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("The build failed on Heroku", d.Message);
        Assert.Contains("\"npm ERR! Missing script: \"build\"\" · \"-----> Build failed\"", d.Message);
        Assert.Contains("Nothing was released; v123 is still live.", d.Message);
        Assert.Contains("type `deploy web` again", d.Message);
        Assert.Equal(123, _rig.App.Current.Version);
        Assert.Null(d.Release);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_release_phase_leaves_the_live_release_in_place()
    {
        _rig.Heroku.NextBuild = new BuildScript(ReleasePhase: ["Running: npm run migrate", "error: relation \"users\" does not exist"], ReleaseSucceeds: false);

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("The release phase of v124 failed on Heroku", d.Message);
        Assert.Contains("so v124 did not go live. The previous release v123 is still live, untouched: the new one never replaced it.", d.Message);
        Assert.DoesNotContain("is back", d.Message);
        Assert.Contains("relation", d.Message);
        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("error: relation \"users\" does not exist", events);
        // The put-back after a failed ending finds v123 still live and copies nothing.
        Assert.Contains("v123 is still live on Heroku; the new release never went live.", events);
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));
        Assert.Equal(123, _rig.App.Current.Version);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Putting_back_after_a_release_went_live_copies_the_one_that_served_before()
    {
        // The deploy made v124 live; then it ended any way but success: what served before (v123) is copied back.
        var d = await _rig.DeployAsync();
        Assert.Equal("v124", d.Release);
        var v123 = _rig.App.Releases.Single(r => r.Version == 123);
        var target = _rig.Bot.Services.GetServices<Bot.Targets.IDeployTarget>().OfType<Bot.Targets.Heroku.HerokuTarget>().Single();
        var app = _rig.Bot.Services.GetRequiredService<Bot.Configuration.AppCatalog>().Find("web")!.ByEnv["production"];

        var events = new List<Bot.Targets.DeployEvent>();
        await foreach (var e in target.PutBackAsync(app, "v123", default)) events.Add(e);

        var post = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));
        Assert.Equal(v123.Id, post.Body!["release"]!.GetValue<string>());
        Assert.Equal((125, "Rollback to v123"), (_rig.App.Current.Version, _rig.App.Current.Description));
        Assert.Contains(events, e => e is Bot.Targets.Notice { Text: "v123 is live again as v125." });
        Assert.Equal(Bot.Targets.PutBackEnded.Restored(healthChecked: false), events[^1]);
        Assert.DoesNotContain(events, e => e is Bot.Targets.Released);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_with_no_release_named_puts_the_one_before_the_live_one_back()
    {
        await _rig.DeployAsync();
        var v123 = _rig.App.Releases.Single(r => r.Version == 123);

        var d = await _rig.DeployAsync("rollback web");

        Assert.Equal(DeploymentState.Succeeded, d.State);
        var post = Assert.Single(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));
        Assert.Equal(v123.Id, post.Body!["release"]!.GetValue<string>());
        Assert.Equal("v125", d.Release);
        Assert.Equal("Rollback to v123", _rig.App.Current.Description);
        Assert.Contains("v123 is live again as v125.", await _rig.EventsAsync(d.Id));
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_to_a_named_release_looks_it_up_by_version()
    {
        var d = await _rig.DeployAsync("rollback web v100");

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Single(_rig.Heroku.Calls("GET", "/apps/acme-web/releases/100"));
        Assert.Equal(_rig.App.Releases.Single(r => r.Version == 100).Id, _rig.Heroku.Calls("POST", "/apps/acme-web/releases").Single().Body!["release"]!.GetValue<string>());
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_to_a_release_Heroku_does_not_have_says_what_to_type()
    {
        var d = await _rig.DeployAsync("rollback web v999");

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("acme-web has no release v999 on Heroku", d.Message);
        Assert.Contains("`history web`", d.Message);
        Assert.Empty(_rig.Heroku.Calls("POST", "/apps/acme-web/releases"));
    }

    [Fact]
    public async Task History_shows_Herokus_releases_newest_first()
    {
        var result = await _rig.Bot.SendAsync("history web");

        var releases = result.Messages.Single(m => m.Text == "Releases on heroku:");
        Assert.Equal(10, releases.Lines!.Count);
        Assert.StartsWith("v123 ← live · Deploy", releases.Lines[0]);
        Assert.StartsWith("v114 ·", releases.Lines[9]);
        Assert.Equal("version ..; order=desc, max=10", _rig.Heroku.Calls("GET", "/apps/acme-web/releases").Single().Range);
        _rig.Heroku.AssertNoViolations();
    }

    [Fact]
    public async Task Cancelling_a_deployment_cancels_its_heroku_build()
    {
        _rig.Heroku.NextBuild = new BuildScript(Hold: true);
        using var updates = _rig.Bot.Feed.Subscribe();
        var queued = await _rig.Bot.SendAsync("deploy web");
        while ((await updates.Reader.ReadAsync()).Line.Text != "-----> Launching...") { }

        var cancel = await _rig.Bot.SendAsync("cancel web");
        var d = await _rig.Bot.WaitFinishedAsync(queued.Started!.Id);

        Assert.True(cancel.Ok);
        Assert.Equal(DeploymentState.Cancelled, d.State);
        var build = Assert.Single(_rig.App.Builds);
        Assert.True(build.Cancelled);
        Assert.Single(_rig.Heroku.Calls("DELETE", $"/apps/acme-web/builds/{build.Id}"));
        Assert.Equal(123, _rig.App.Current.Version);
    }

    private static List<string> FilesIn(byte[] tarball)
    {
        using var tar = new TarReader(new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress));
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }
}
