using System.Text.Json.Nodes;
using Bot.Targets;

namespace Bot.Tests.Targets.Lambda;

/// <summary>Canaries on the fake Lambda and a fake clock: promoted at the end, rolled back by an alarm, promoted by hand, cancelled.</summary>
public sealed class LambdaCanaryTests
{
    private static LambdaTargetRig Rig() => new(("Canary", "10"), ("CanaryMinutes", "5"), ("Alarms:0", "api-errors"), ("Alarms:1", "api-latency"));

    [Fact]
    public async Task A_quiet_canary_splits_traffic_counts_down_and_promotes_at_the_end()
    {
        var rig = Rig();
        (rig.Aws.Alarms["api-errors"], rig.Aws.Alarms["api-latency"]) = ("OK", "OK");
        JsonObject? split = null;
        rig.Aws.OnDescribeAlarms = aws => split ??= aws.LiveRouting?.DeepClone().AsObject();

        var events = LambdaTargetRig.Texts(await rig.DeployAsync());

        Assert.Equal("""{"2":0.1}""", split!.ToJsonString());
        Assert.Contains(events, e => e.StartsWith("Canary: 10% of live on version 2, 90% on version 1, for 5m 00s, watching api-errors, api-latency", StringComparison.Ordinal));
        Assert.Contains("Canary: 10% on version 2, 4m 50s left; alarms quiet.", events);
        Assert.Equal(31, rig.Aws.Calls.Count(c => c == "DescribeAlarms"));
        Assert.Equal("2", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        Assert.Equal("released version 2", events[^1]);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_alarm_in_ALARM_puts_the_alias_back_and_the_failure_names_it()
    {
        var rig = Rig();
        (rig.Aws.Alarms["api-errors"], rig.Aws.Alarms["api-latency"]) = ("OK", "OK");
        var looks = 0;
        rig.Aws.OnDescribeAlarms = aws => { if (++looks == 3) aws.Alarms["api-latency"] = "ALARM"; };

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.StartsWith("Alarm api-latency went off during the canary (Threshold crossed (ALARM)). live is back on version 1", e.Message);
        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Promote_moves_the_alias_and_the_running_canary_sees_it_and_finishes()
    {
        var rig = Rig();
        (rig.Aws.Alarms["api-errors"], rig.Aws.Alarms["api-latency"]) = ("OK", "OK");
        string? said = null;
        var looks = 0;
        // What `promote api canary` does, as if from another process: the alias itself is the signal.
        rig.Aws.OnDescribeAlarms = _ => { if (++looks == 2) said = rig.Target.PromoteAsync(rig.App, "canary", CancellationToken.None).GetAwaiter().GetResult(); };

        var events = LambdaTargetRig.Texts(await rig.DeployAsync());

        Assert.Equal("Promoted version 2: live sends all traffic to it (version 1 gets none).", said);
        Assert.Contains("Promoted early: live sends all traffic to version 2.", events);
        Assert.Equal("2", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        Assert.True(rig.Aws.Calls.Count(c => c == "DescribeAlarms") < 10);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task An_alias_someone_else_moved_during_the_canary_is_left_as_they_set_it()
    {
        var rig = Rig();
        (rig.Aws.Alarms["api-errors"], rig.Aws.Alarms["api-latency"]) = ("OK", "OK");
        rig.Aws.OnDescribeAlarms = aws =>
        {
            aws.Aliases["live"]["FunctionVersion"] = "1";
            aws.Aliases["live"]["RoutingConfig"] = new JsonObject { ["AdditionalVersionWeights"] = new JsonObject { ["3"] = 0.5 } };
        };

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.StartsWith("live was changed by someone else during the canary (now version 1 (and 50% on version 3))", e.Message);
        Assert.Equal("""{"3":0.5}""", rig.Aws.LiveRouting!.ToJsonString());
    }

    [Fact]
    public async Task Promote_without_a_canary_says_so()
    {
        var rig = Rig();

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.Target.PromoteAsync(rig.App, null, CancellationToken.None));

        Assert.Equal("No canary is running for api: live sends all traffic to version 1.", e.Message);
    }

    [Fact]
    public async Task Cancelling_during_the_canary_puts_all_traffic_back_on_the_old_version()
    {
        var rig = Rig();
        (rig.Aws.Alarms["api-errors"], rig.Aws.Alarms["api-latency"]) = ("OK", "OK");
        using var cancel = new CancellationTokenSource();
        rig.Aws.OnDescribeAlarms = _ => cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.DeployAsync(ct: cancel.Token));

        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.Null(rig.Aws.LiveRouting);
        Assert.Equal("UpdateAlias", rig.Aws.Calls[^1]);
    }
}
