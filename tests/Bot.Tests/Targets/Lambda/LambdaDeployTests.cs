using Bot.Targets;
using Bot.Targets.Lambda;

namespace Bot.Tests.Targets.Lambda;

/// <summary>Deploy on the fake Lambda: publish and move the alias, wait out updates and conflicts, smoke tests, failures.</summary>
public sealed class LambdaDeployTests
{
    [Fact]
    public async Task Deploy_updates_the_code_publishes_version_2_with_where_live_was_and_moves_live()
    {
        var rig = new LambdaTargetRig();

        var events = LambdaTargetRig.Texts(await rig.DeployAsync());

        Assert.Equal("2", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        Assert.Equal("#5 v1.2; live was 1", (string)rig.Aws.Versions[1]["Description"]!);
        Assert.Contains("Image 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1.2.", events);
        Assert.Contains(events, e => e.StartsWith("Published version 2 (#5 v1.2; live was 1); live still points at version 1", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("live → version 2", StringComparison.Ordinal));
        Assert.Equal("released version 2", events[^1]);
        Assert.Equal(["GetFunction", "GetAlias", "UpdateFunctionCode", "PublishVersion", "UpdateAlias"], rig.Aws.Calls);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_update_in_progress_is_polled_every_second_with_progress_until_it_succeeds()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.InProgressReads = 12;

        var events = LambdaTargetRig.Texts(await rig.DeployAsync());

        Assert.Contains("updating code (5s)", events);
        Assert.Contains("updating code (10s)", events);
        Assert.Equal(12, rig.Aws.Calls.Count(c => c == "GetFunctionConfiguration"));
        Assert.Equal("2", rig.Aws.LiveVersion);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task A_conflicting_update_is_waited_out_and_the_code_sent_again_never_blindly()
    {
        var rig = new LambdaTargetRig();
        rig.Aws.Conflicts = 1;

        var events = await rig.DeployAsync();

        var warning = Assert.Single(events.OfType<Notice>(), n => n.IsWarning);
        Assert.Contains("busy with another update", warning.Text);
        var calls = rig.Aws.Calls.ToList();
        var first = calls.IndexOf("UpdateFunctionCode");
        Assert.Equal("GetFunctionConfiguration", calls[first + 1]);
        Assert.Equal("UpdateFunctionCode", calls[first + 2]);
        Assert.Equal("2", rig.Aws.LiveVersion);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task A_failed_update_says_why_and_publishes_nothing()
    {
        var rig = new LambdaTargetRig();
        (rig.Aws.InProgressReads, rig.Aws.UpdateFailure) = (2, "The image manifest is not supported.");

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.Contains("The image manifest is not supported.", e.Message);
        Assert.Contains("live was not moved", e.Message);
        Assert.Single(rig.Aws.Versions);
        Assert.Equal("1", rig.Aws.LiveVersion);
    }

    [Fact]
    public async Task A_smoke_test_error_fails_the_deploy_and_the_alias_stays()
    {
        var rig = new LambdaTargetRig(("Smoke", """{"ping":true}"""));
        rig.Aws.SmokeError = "boom: handler crashed";

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.Contains("Version 2 failed its smoke test (Unhandled", e.Message);
        Assert.Contains("boom: handler crashed", e.Message);
        Assert.Contains("still points at version 1", e.Message);
        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.DoesNotContain("UpdateAlias", rig.Aws.Calls);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task A_missing_alias_is_a_set_up_step_to_do_not_a_crash()
    {
        var rig = new LambdaTargetRig(("Alias", "prod"));

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.Contains("has no alias prod", e.Message);
        Assert.Contains("create-alias", e.Hint);
    }

    [Theory]
    [InlineData("version 7", "7")]
    [InlineData("v12", "12")]
    [InlineData("3", "3")]
    [InlineData("#3", null)]
    [InlineData("latest", null)]
    public void Versions_are_named_as_typed(string typed, string? version) => Assert.Equal(version, LambdaTarget.VersionOf(typed));

    [Fact]
    public void The_description_keeps_the_marker_within_256_characters()
    {
        var d = LambdaTarget.Describe(1, new string('x', 300), "live", "41");

        Assert.Equal(256, d.Length);
        Assert.Equal("41", LambdaTarget.PreviousOf(d, "live"));
        Assert.Null(LambdaTarget.PreviousOf(d, "staging"));
    }
}
