using Bot.Tests.Support;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>The real binary against the fake Google APIs: <c>send</c> builds, deploys, verifies traffic and rolls back.</summary>
public sealed class CloudRunCliTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("cloudrun-cli");
    private FakeGoogleCloud _google = null!;
    private GitRepo _repo = null!;

    public async Task InitializeAsync()
    {
        _google = await FakeGoogleCloud.StartAsync();
        _google.AddService("site");
        _repo = new GitRepo(_dir["repo"]);
        _repo.Commit("Add the site", ("cloudbuild.yml", CloudRunRig.CloudBuildYaml), ("Dockerfile", "FROM scratch\n"));
    }

    public async Task DisposeAsync()
    {
        await _google.DisposeAsync();
        _dir.Dispose();
    }

    private Dictionary<string, string?> Env()
    {
        var env = new Dictionary<string, string?> { ["DATA_DIR"] = _dir["data"], ["USER"] = "tester", ["BOT_PUBLIC_URL"] = null };
        foreach (var (k, v) in CloudRunRig.Config(_google, _repo.Path, _dir.Path)) env[k.Replace(":", "__")] = v;
        return env;
    }

    [Fact]
    public async Task Send_deploy_builds_with_the_sha_tag_shows_the_steps_moves_all_traffic_and_ends_with_the_url_then_rollback_moves_it_back()
    {
        var sha = _repo.Head()[..7];

        var deploy = await BotProcess.RunAsync(Env(), _dir.Path, "send", "deploy site main");

        Assert.True(deploy.Code == 0, deploy.Stdout + deploy.Stderr);
        var output = deploy.Stdout;
        var build = Assert.Single(_google.Builds);
        Assert.Equal(sha, build.Body["substitutions"]!["_DOCKER_IMAGE_TAG"]!.GetValue<string>());
        Assert.True(output.Contains($"_DOCKER_IMAGE_TAG={sha}"), output);
        Assert.Contains("build #0 build", output);
        Assert.Contains("build #1 push done in", output);
        Assert.Contains("step 1 line 2", output);
        var revision = $"site-d1-{sha}";
        Assert.Contains($"Traffic verified: {revision} 100% (latest).", output);
        var url = _google.Service("site").Uri;
        var final = output[output.IndexOf("bot> ✅ site #1 → production: live", StringComparison.Ordinal)..];
        Assert.Contains(url, final);
        Assert.True(output.IndexOf("step 1 line 2", StringComparison.Ordinal) < output.IndexOf("Traffic verified", StringComparison.Ordinal));
        Assert.Equal(2, _google.Service("site").Patches);

        var rollback = await BotProcess.RunAsync(Env(), _dir.Path, "send", "rollback site");

        Assert.True(rollback.Code == 0, rollback.Stdout + rollback.Stderr);
        Assert.Contains("Sending all traffic of site to site-00002-bbb", rollback.Stdout);
        Assert.Contains("Traffic verified: site-00002-bbb 100%.", rollback.Stdout);
        Assert.Contains("✅ site #2 → production: rolled back", rollback.Stdout);
        Assert.Equal([("site-00002-bbb", 100)], FakeGoogleCloud.Resolved(_google.Service("site")).Select(t => (t.Revision, t.Percent)));
        // Each process signed its own service-account JWT and exchanged it at the fake's token_uri.
        Assert.Equal(2, _google.TokensIssued);
        _google.AssertNoViolations();
    }
}
