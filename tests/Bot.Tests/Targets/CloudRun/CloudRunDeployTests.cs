using Bot.Deployments;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>Deploying to Cloud Run through Cloud Build, against the fake Google APIs.</summary>
public sealed class CloudRunDeployTests : IAsyncLifetime
{
    private CloudRunRig _rig = null!;

    public async Task InitializeAsync() => _rig = await CloudRunRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_build_runs_cloudbuild_yml_at_the_commit_then_the_new_revision_gets_all_traffic()
    {
        var d = await _rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        var sha = _rig.Repo.Head();
        var revision = $"site-d{d.Number}-{sha[..7]}";
        Assert.Equal(revision, d.Release);
        Assert.Equal(_rig.Service.Uri, d.Url);
        var build = Assert.Single(_rig.Google.Builds).Body;
        Assert.Equal(sha[..7], build["substitutions"]!["_DOCKER_IMAGE_TAG"]!.GetValue<string>());
        Assert.Equal(sha, build["substitutions"]!["COMMIT_SHA"]!.GetValue<string>());
        Assert.Equal(sha[..7], build["substitutions"]!["SHORT_SHA"]!.GetValue<string>());
        Assert.Equal("main", build["substitutions"]!["BRANCH_NAME"]!.GetValue<string>());
        Assert.Equal("https://github.com/acme/site", build["source"]!["gitSource"]!["url"]!.GetValue<string>());
        Assert.Equal(sha, build["source"]!["gitSource"]!["revision"]!.GetValue<string>());
        Assert.Equal("E2_HIGHCPU_8", build["options"]!["machineType"]!.GetValue<string>());
        Assert.False(build["steps"]![1]!["allowFailure"]!.GetValue<bool>());

        var events = await _rig.EventsAsync(d.Id);
        Assert.Contains("build #0 build", events);
        Assert.Contains("step 0 line 1", events);
        Assert.Contains("step 1 line 2", events);
        Assert.Contains(events, e => e.StartsWith("build #1 push done in", StringComparison.Ordinal));
        Assert.True(events.IndexOf("step 1 line 2") < events.IndexOf("revision"));
        Assert.Contains($"Traffic verified: {revision} 100% (latest).", events);
        Assert.Equal(new Dictionary<string, int> { [revision] = 100 }, _rig.Traffic());

        var made = _rig.Service.Revisions[^1];
        Assert.Equal($"asia-docker.pkg.dev/{FakeGoogleCloud.Project}/apps/site@sha256:{new string('a', 64)}", made.Image);
        Assert.Equal(sha, made.Labels!["deploybot-sha"]!.GetValue<string>());
        Assert.Equal(d.Number.ToString(), made.Labels["deploybot-deployment"]!.GetValue<string>());
        // The rest of the service is sent back as it was: its environment and scaling survive the update.
        Assert.Equal("hello", _rig.Service.Template["containers"]![0]!["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(3, _rig.Service.Template["scaling"]!["maxInstanceCount"]!.GetValue<int>());
        Assert.Equal(1, _rig.Google.TokensIssued);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_build_step_ends_with_its_last_lines_and_the_console_link_and_the_service_untouched()
    {
        _rig.Google.NextBuild = new BuildScript(FailStep: 1);

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("Cloud Build failed after", d.Message);
        Assert.Contains("step #1 push failed", d.Message);
        Assert.Contains("\"step 1 line 2\" · \"ERROR: step 1 exited with non-zero status: 1\"", d.Message);
        Assert.Contains("https://console.cloud.google.com/cloud-build/builds;region=asia-northeast1/", d.Message);
        Assert.Equal(0, _rig.Service.Patches);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, _rig.Traffic());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_revision_that_never_gets_ready_fails_with_its_condition_and_last_lines_and_traffic_stays()
    {
        _rig.Service.NextRevisionFails = "The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.";
        _rig.Google.AddRevisionLogs("site", $"site-d1-{_rig.Short}", "Starting server", "Error: listen EADDRINUSE 0.0.0.0:3000");

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains($"Revision site-d1-{_rig.Short} did not become ready", d.Message);
        Assert.Contains("failed to start and listen on the port", d.Message);
        Assert.Contains("\"Error: listen EADDRINUSE 0.0.0.0:3000\"", d.Message);
        Assert.Contains("Traffic stays where it was (site-00002-bbb 100%", d.Message);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, _rig.Traffic());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Traffic_pinned_to_an_old_revision_is_moved_to_the_new_one_and_read_back()
    {
        _rig.Service.Traffic = [new System.Text.Json.Nodes.JsonObject { ["type"] = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", ["revision"] = "site-00001-aaa", ["percent"] = 100 }];

        var d = await _rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 100 }, _rig.Traffic());
        // While the revision was made, traffic was held on the pinned one: the first patch kept it there.
        var first = _rig.Google.Calls("run", "PATCH")[0].Body!["traffic"]!.AsArray();
        Assert.Equal("site-00001-aaa", Assert.Single(first)!["revision"]!.GetValue<string>());
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Cancel_while_building_cancels_the_cloud_build_and_leaves_the_service_alone()
    {
        _rig.Google.NextBuild = new BuildScript(Hold: true);
        var started = await _rig.Bot.SendAsync("deploy site main");
        await _rig.Google.BuildCreated.WaitAsync(TimeSpan.FromSeconds(30));

        var cancel = await _rig.Bot.SendAsync("cancel site");
        var d = await _rig.Bot.WaitFinishedAsync(started.Started!.Id);
        // The card may say cancelled a moment before the target's clean-up has told Cloud Build.
        await _rig.Google.BuildCancelled.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(cancel.Ok, string.Join(" / ", cancel.Messages.Select(m => m.Text)));
        Assert.Equal(DeploymentState.Cancelled, d.State);
        Assert.True(Assert.Single(_rig.Google.Builds).Cancelled);
        Assert.Single(_rig.Google.Calls("cloudbuild", "POST", ":cancel"));
        Assert.Equal(0, _rig.Service.Patches);
        _rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_missing_cloudbuild_yml_says_what_to_add()
    {
        _rig.Repo.Git("rm", "-q", "cloudbuild.yml");
        _rig.Repo.Commit("No build file");

        var d = await _rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("has no cloudbuild.yml or cloudbuild.yaml", d.Message);
        Assert.Empty(_rig.Google.Builds);
    }
}
