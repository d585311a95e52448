using Bot.Targets;

namespace Bot.Tests.Targets.Ecs;

/// <summary>The done-when of the ECS target on the spec-checked fake: deploy, circuit-breaker rollback, stuck rollout, cancel, rollback, logs.</summary>
public sealed class EcsDeployTests
{
    [Fact]
    public async Task Deploy_registers_revision_8_with_only_the_image_changed_and_follows_it_to_completed()
    {
        var rig = new EcsRig();

        var events = await rig.DeployAsync();
        var texts = EcsRig.Texts(events);

        var registered = rig.Ecs.LastRegistered!;
        var before = rig.Ecs.Revisions[0];
        Assert.Equal("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3f2a1c9", (string)registered["containerDefinitions"]![0]!["image"]!);
        registered["containerDefinitions"]![0]!["image"] = before["containerDefinitions"]![0]!["image"]!.DeepClone();
        foreach (var key in new[] { "family", "networkMode", "cpu", "memory", "executionRoleArn", "requiresCompatibilities", "containerDefinitions" })
            Assert.Equal(before[key]!.ToJsonString(), registered[key]!.ToJsonString());
        Assert.Null(registered["revision"]);
        Assert.Null(registered["compatibilities"]);
        Assert.Null(registered["registeredAt"]);
        Assert.Equal("""[{"key":"team","value":"shop"},{"key":"deploybot:deployment","value":"5"},{"key":"deploybot:sha","value":"3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"}]""",
            registered["tags"]!.ToJsonString());
        Assert.Equal(new GoingLive("web:7"), Assert.Single(events.OfType<GoingLive>()));
        Assert.Contains("web:8: 1/2 running, 1 pending · rollout IN_PROGRESS", texts);
        Assert.Contains("web:8 is PRIMARY and COMPLETED: 2/2 tasks running.", texts);
        Assert.Contains(texts, t => t.EndsWith("has reached a steady state.", StringComparison.Ordinal));
        Assert.Equal("released web:8", texts[^1]);
        Assert.Equal("web:8", rig.Ecs.Primary);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task A_circuit_breaker_rollback_ends_failed_with_the_reason_and_the_stopped_tasks_exit_code_from_the_first_look()
    {
        var rig = new EcsRig();
        rig.Ecs.Next = Play.CircuitBreaker;

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.StartsWith("ECS rolled back to revision web:7: ECS deployment circuit breaker: tasks failed to start.", e.Message);
        Assert.Contains("Serving now: web:7", e.Message);
        Assert.Contains("web exited 1 (Error: DATABASE_URL is not set)", e.Message);
        var texts = EcsRig.Texts(rig.Events);
        var stopped = texts.FindIndex(t => t.StartsWith("Task ", StringComparison.Ordinal) && t.Contains("exited 1", StringComparison.Ordinal));
        // The task stopped at the first look after the update: it is said at that look, before the second one's counts.
        Assert.True(stopped >= 0, string.Join('\n', texts));
        Assert.Equal(1, rig.Ecs.Calls.Take(rig.Ecs.Calls.ToList().IndexOf("DescribeTasks")).Count(c => c == "DescribeServices") - 1);
        Assert.DoesNotContain(rig.Events, x => x is Released);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task A_stuck_rollout_ends_at_the_timeout()
    {
        var rig = new EcsRig(("Timeout", "2m"));
        rig.Ecs.Next = Play.Stuck;

        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());

        Assert.StartsWith("web:8 was still rolling out after 2m", e.Message);
        Assert.Contains("(web:8: 0/2 running, 2 pending · rollout IN_PROGRESS).", e.Message);
        Assert.Equal("web:8", rig.Ecs.Primary); // left for the engine's put-back, which follows GoingLive
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task Cancel_during_a_rollout_then_the_put_back_puts_revision_7_back_and_status_says_so()
    {
        var rig = new EcsRig();
        rig.Ecs.Next = Play.Stuck;
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.DriveAsync(
            rig.Target.DeployAsync(new Bot.Targets.DeployRequest(rig.App, 5, "main", EcsRig.Commit("3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"), null), cancel.Token),
            seen => seen.Any(x => x is Notice n && n.Text.StartsWith("web:8: 0/2", StringComparison.Ordinal)), cancel));
        var previous = Assert.Single(rig.Events.OfType<GoingLive>()).Previous!;
        Assert.Equal("web:8", rig.Ecs.Primary);

        var back = await rig.DriveAsync(rig.Target.PutBackAsync(rig.App, previous, CancellationToken.None));

        Assert.Equal(PutBackEnded.Restored(healthChecked: true), back[^1]);
        Assert.Contains("web:7 is PRIMARY and COMPLETED: 2/2 tasks running.", EcsRig.Texts(back));
        Assert.Equal(("web:7", "COMPLETED"), (rig.Ecs.Primary, rig.Ecs.PrimaryRollout));
        var status = await rig.Target.DescribeAsync(rig.App, CancellationToken.None);
        Assert.Contains(status, l => l.StartsWith("PRIMARY web:7: 2/2 running, 0 pending · rollout COMPLETED", StringComparison.Ordinal) && l.EndsWith("web:old", StringComparison.Ordinal));
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task Rollback_after_two_good_deploys_goes_to_the_first_ones_revision()
    {
        var rig = new EcsRig();
        await rig.DeployAsync(number: 1);
        await rig.DeployAsync("aaaaaaa1111111111111111111111111111111111", number: 2);
        Assert.Equal("web:9", rig.Ecs.Primary);

        // What the engine passes: the release of the previous good deployment in its store (#1's).
        var events = await rig.RollbackAsync("web:8");

        Assert.Equal("released web:8", EcsRig.Texts(events)[^1]);
        Assert.Equal(("web:8", "COMPLETED"), (rig.Ecs.Primary, rig.Ecs.PrimaryRollout));
        var none = await Assert.ThrowsAsync<DeployFailedException>(() => rig.RollbackAsync(null));
        Assert.Contains("never guesses", none.Message);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task Logs_read_the_containers_awslogs_stream_prefix_newest_last()
    {
        var rig = new EcsRig();
        var now = rig.Time.GetUtcNow().ToUnixTimeMilliseconds();
        rig.Ecs.Logs.LogEvents.Add((now - 2000, "listening on 8080"));
        rig.Ecs.Logs.LogEvents.Add((now - 1000, "GET /orders 200"));

        var logs = await rig.Target.ReadLogsAsync(rig.App, new LogRequest(10, null, null, new Dictionary<string, string>()), CancellationToken.None);

        Assert.Equal(2, logs.Lines.Count);
        Assert.EndsWith("GET /orders 200", logs.Lines[^1]);
        var body = rig.Ecs.Logs.Bodies["FilterLogEvents"];
        Assert.Equal("/ecs/web", (string)body["logGroupName"]!);
        Assert.Equal("ecs/web/", (string)body["logStreamNamePrefix"]!);
        rig.Ecs.AssertNoViolations();
    }
}
