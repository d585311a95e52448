using Bot.Configuration;
using Bot.Targets;

namespace Bot.Tests.Targets.Ecs;

/// <summary><c>run web migrate</c> on ECS: RunTask placed like the service, followed to its exit code, with its log lines.</summary>
public sealed class EcsTaskTests
{
    private static TaskRequest Request(EcsRig rig, TimeSpan? timeout = null) =>
        new(rig.App, 3, new AppTask("migrate", "bin/migrate --all", false, timeout ?? AppTask.DefaultTimeout, null, "Apps:web:Tasks:migrate"), null);

    [Fact]
    public async Task A_task_runs_the_command_in_the_services_revision_and_ends_with_its_log_and_exit_code()
    {
        var rig = new EcsRig();
        rig.Ecs.Logs.LogEvents.Add((rig.Time.GetUtcNow().ToUnixTimeMilliseconds(), "migrated 3 tables"));

        var texts = EcsRig.Texts(await rig.DriveAsync(rig.Target.RunTaskAsync(Request(rig), CancellationToken.None)));

        var run = Assert.Single(rig.Ecs.RunRequests);
        Assert.Equal("""["sh","-c","bin/migrate --all"]""", run["overrides"]!["containerOverrides"]![0]!["command"]!.ToJsonString());
        Assert.Equal(FakeEcs.Arn + "web:7", (string)run["taskDefinition"]!);
        Assert.Contains("migrated 3 tables", texts);
        Assert.Contains("run1f00d: RUNNING.", texts);
        Assert.StartsWith("migrate exited 0 after", texts[^1]);
        Assert.Equal("ecs/web/run1f00d", (string)rig.Ecs.Logs.Bodies["FilterLogEvents"]["logStreamNamePrefix"]!);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task A_non_zero_exit_fails_the_task_with_the_code()
    {
        var rig = new EcsRig();
        rig.Ecs.RunExit = 2;

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DriveAsync(rig.Target.RunTaskAsync(Request(rig), CancellationToken.None)));

        Assert.Contains("web exited 2", e.Message);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task A_task_past_its_timeout_is_stopped()
    {
        var rig = new EcsRig();
        rig.Ecs.RunExit = null;

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DriveAsync(rig.Target.RunTaskAsync(Request(rig, TimeSpan.FromMinutes(1)), CancellationToken.None)));

        Assert.StartsWith("migrate was still running after 1m", e.Message);
        Assert.Equal("arn:aws:ecs:us-east-1:123456789012:task/default/run1f00d", Assert.Single(rig.Ecs.StopRequests));
        rig.Ecs.AssertNoViolations();
    }
}
