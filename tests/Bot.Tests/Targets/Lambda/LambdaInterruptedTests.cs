using System.Text.Json.Nodes;
using Bot.Targets;

namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// What the Lambda target puts right for a deployment found interrupted: its canary's split, an alias it had already
/// moved, a version it published but never gave traffic; nothing of another deployment.
/// </summary>
public sealed class LambdaInterruptedTests
{
    private static readonly JsonObject TenPercentOn2 = new() { ["AdditionalVersionWeights"] = new JsonObject { ["2"] = 0.1 } };

    [Fact]
    public async Task A_canary_left_splitting_the_alias_goes_back_to_the_old_version_with_all_traffic()
    {
        var rig = new LambdaTargetRig(("Smoke", "{}"));
        rig.Aws.SmokeError = "Unhandled";
        await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync(number: 5));
        // As the killed bot left it: version 2 (published by #5) has a tenth of live's traffic.
        rig.Aws.Aliases["live"]["RoutingConfig"] = TenPercentOn2.DeepClone();

        var said = await rig.Target.CleanUpAsync(rig.App, 5, CancellationToken.None);

        Assert.Equal("Its canary was stopped: live had 10% on version 2; it is back on version 1 with all the traffic.", said);
        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_alias_already_moved_by_the_interrupted_deploy_is_put_back_on_the_version_before()
    {
        var rig = new LambdaTargetRig();
        await rig.DeployAsync(number: 5);
        Assert.Equal("2", rig.Aws.LiveVersion);

        var said = await rig.Target.CleanUpAsync(rig.App, 5, CancellationToken.None);

        Assert.Equal("live had moved to version 2 before the bot stopped; it is back on version 1, the version live before this deploy.", said);
        Assert.Equal("1", rig.Aws.LiveVersion);
    }

    [Fact]
    public async Task A_version_published_but_never_given_traffic_is_reported_and_nothing_moves()
    {
        var rig = new LambdaTargetRig(("Smoke", "{}"));
        rig.Aws.SmokeError = "Unhandled";
        await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync(number: 5));
        var calls = rig.Aws.Calls.Count;

        var said = await rig.Target.CleanUpAsync(rig.App, 5, CancellationToken.None);

        Assert.Equal("Version 2 was published, but live never moved to it: live still points at version 1.", said);
        Assert.DoesNotContain("UpdateAlias", rig.Aws.Calls.Skip(calls));
    }

    [Fact]
    public async Task Another_deployments_canary_is_not_touched()
    {
        var rig = new LambdaTargetRig(("Smoke", "{}"));
        rig.Aws.SmokeError = "Unhandled";
        await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync(number: 5));
        rig.Aws.Aliases["live"]["RoutingConfig"] = TenPercentOn2.DeepClone();

        Assert.Null(await rig.Target.CleanUpAsync(rig.App, 6, CancellationToken.None));
        Assert.Null(await rig.Target.CleanUpAsync(rig.App, 51, CancellationToken.None));

        Assert.Equal("""{"2":0.1}""", rig.Aws.LiveRouting!.ToJsonString());
    }
}
