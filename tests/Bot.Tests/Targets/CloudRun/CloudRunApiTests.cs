using Bot.Deployments;
using Bot.Targets.CloudRun;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>The Google transport: credentials, quota answers, the pauses between looks.</summary>
public sealed class CloudRunApiTests
{
    [Fact]
    public void Looks_at_a_build_or_operation_come_after_growing_pauses_up_to_ten_seconds()
    {
        var options = CloudRunOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        var pauses = Enumerable.Range(0, 8).Select(options.Pause).ToList();

        Assert.Equal(TimeSpan.FromSeconds(1), pauses[0]);
        Assert.Equal(TimeSpan.FromSeconds(1.5), pauses[1]);
        Assert.Equal(TimeSpan.FromSeconds(2.25), pauses[2]);
        Assert.Equal(TimeSpan.FromSeconds(10), pauses[7]);
        Assert.True(pauses.Zip(pauses.Skip(1)).All(p => p.First <= p.Second));
    }

    [Fact]
    public async Task A_quota_answer_is_waited_out_and_the_deploy_goes_on()
    {
        await using var rig = await CloudRunRig.StartAsync();
        rig.Google.FailNext(1, 429);

        var d = await rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Single(rig.Google.Builds);
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task A_credential_file_that_is_not_there_fails_the_deploy_with_what_to_set()
    {
        await using var rig = await CloudRunRig.StartAsync(new Dictionary<string, string?> { ["GOOGLE_APPLICATION_CREDENTIALS"] = "/nonexistent/key.json" });

        var d = await rig.DeployAsync();

        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Contains("Google did not accept the bot's credentials", d.Message);
        Assert.Empty(rig.Google.Requests);
    }
}
