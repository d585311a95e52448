using System.Text.Json.Nodes;
using Bot.Targets;
using Bot.Targets.Lambda;

namespace Bot.Tests.Targets.Lambda;

/// <summary>Rollback (to where the alias was, or a named version), history, status and logs on the fake Lambda.</summary>
public sealed class LambdaOpsTests
{
    [Fact]
    public async Task Rollback_moves_the_alias_to_the_version_the_bot_recorded_before_the_deploy()
    {
        var rig = new LambdaTargetRig();
        await rig.DeployAsync();
        rig.Aws.Aliases["staging"] = new JsonObject { ["Name"] = "staging", ["FunctionVersion"] = "2", ["RevisionId"] = "s1" };

        var events = LambdaTargetRig.Texts(await rig.RollbackAsync());

        Assert.Equal("1", rig.Aws.LiveVersion);
        Assert.Contains("Moving live from version 2 back to version 1.", events);
        Assert.Equal("released version 1", events[^1]);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_to_a_named_version_checks_it_exists()
    {
        var rig = new LambdaTargetRig();
        await rig.DeployAsync();
        await rig.DeployAsync(number: 6);

        await rig.RollbackAsync("version 2");
        var missing = await Assert.ThrowsAsync<DeployFailedException>(() => rig.RollbackAsync("7"));

        Assert.Equal("2", rig.Aws.LiveVersion);
        Assert.Equal("acme-api has no version 7.", missing.Message);
    }

    [Fact]
    public async Task Rollback_from_a_version_the_bot_did_not_publish_asks_for_a_name()
    {
        var rig = new LambdaTargetRig();

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.RollbackAsync());

        Assert.Contains("Version 1 was not published by this bot", e.Message);
        Assert.Contains("rollback api <version>", e.Hint);
    }

    [Fact]
    public async Task History_lists_versions_newest_first_with_their_descriptions_and_aliases()
    {
        var rig = new LambdaTargetRig(("Canary", "25"), ("CanaryMinutes", "1"));
        await rig.DeployAsync();
        rig.Aws.Aliases["live"]["RoutingConfig"] = new JsonObject { ["AdditionalVersionWeights"] = new JsonObject { ["1"] = 0.25 } };

        var releases = await rig.Target.ListReleasesAsync(rig.App, 10, CancellationToken.None);
        var status = await rig.Target.DescribeAsync(rig.App, CancellationToken.None);

        Assert.Equal(["version 2", "version 1"], releases.Select(r => r.Name));
        Assert.Equal("#5 v1.2; live was 1", releases[0].Description);
        Assert.True(releases[0].Current);
        Assert.Equal("← live", releases[0].Status);
        Assert.Equal("← live 25%", releases[1].Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), releases[0].At);
        Assert.Equal("Lambda acme-api: live → version 2 75% · version 1 25% (canary)", status[0]);
        Assert.StartsWith("State Active, last update Successful, python3.12", status[1]);
        Assert.Contains("promote api canary", status[2]);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Logs_come_newest_last_with_REPORT_lines_summarised_and_errors_marked()
    {
        var rig = new LambdaTargetRig();
        var at = rig.Time.GetUtcNow().AddMinutes(-5).ToUnixTimeMilliseconds();
        rig.Aws.LogEvents.AddRange([
            (at - 7_200_000, "too old"),
            (at, "START RequestId: 1b2c Version: 2"),
            (at + 1, "2026-12-01T09:55:00.001Z\t1b2c\tINFO\thandling /orders"),
            (at + 2, "2026-12-01T09:55:00.002Z\t1b2c\tERROR\tInvoke Error {\"errorType\":\"TypeError\"}"),
            (at + 3, "END RequestId: 1b2c"),
            (at + 4, "REPORT RequestId: 1b2c\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 100.52 ms"),
            (at + 5, "2026-12-01T09:55:03.000Z 9f8e Task timed out after 3.00 seconds"),
        ]);

        var logs = await rig.Target.ReadLogsAsync(rig.App, new LogRequest(3, null, null, new Dictionary<string, string>()), CancellationToken.None);

        Assert.Equal([
            "09:55:00 ❗ 2026-12-01T09:55:00.002Z 1b2c ERROR Invoke Error {\"errorType\":\"TypeError\"}",
            "09:55:00 ⏱ 12 ms · 40/128 MB · init 101 ms",
            "09:55:00 ❗ 2026-12-01T09:55:03.000Z 9f8e Task timed out after 3.00 seconds",
        ], logs.Lines);
        rig.Aws.AssertNoViolations();
    }

    [Fact]
    public async Task Logs_say_when_nothing_matched()
    {
        var rig = new LambdaTargetRig(("LogGroup", "/custom/api"));

        var logs = await rig.Target.ReadLogsAsync(rig.App, new LogRequest(20, TimeSpan.FromMinutes(15), "timeout", new Dictionary<string, string>()), CancellationToken.None);

        Assert.Empty(logs.Lines);
        Assert.Equal("Nothing in /custom/api in the last 15m 00s matching \"timeout\".", logs.Note);
        rig.Aws.AssertNoViolations();
    }
}
