using Bot.Targets;

namespace Bot.Tests.Targets.Ecs;

/// <summary>scale, restart, the put-back after ECS's own rollback, an interrupted deploy, and a named rollback revision.</summary>
public sealed class EcsOpsTests
{
    [Fact]
    public async Task Scale_web_4_sets_the_desired_count()
    {
        var rig = new EcsRig();

        var answer = await rig.Target.ScaleAsync(rig.App, new Dictionary<string, int> { [Bot.Commands.ScaleCommand.Whole] = 4 }, null, CancellationToken.None);

        Assert.Equal("web now wants 4 tasks (was 2). Type `status web` to see them start.", answer);
        Assert.Equal(4, rig.Ecs.Desired);
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task Restart_forces_a_new_deployment_of_the_same_revision_and_follows_it_to_completed()
    {
        var rig = new EcsRig();
        string? answer = null;

        await rig.DriveAsync(Run(async () => answer = await rig.Target.RestartAsync(rig.App, null, CancellationToken.None)));

        Assert.Equal("Restarted web: web:7 is PRIMARY and COMPLETED: 2/2 tasks running.", answer);
        Assert.Empty(rig.Ecs.Revisions.Skip(1));
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task After_the_circuit_breaker_the_put_back_follows_ecs_own_rollback_to_completed()
    {
        var rig = new EcsRig();
        rig.Ecs.Next = Play.CircuitBreaker;
        await Assert.ThrowsAsync<DeployFailedException>(() => rig.DeployAsync());
        var updates = rig.Ecs.Calls.Count(c => c == "UpdateService");

        var back = EcsRig.Texts(await rig.DriveAsync(rig.Target.PutBackAsync(rig.App, "web:7", CancellationToken.None)));

        Assert.Contains("ECS is already going back to web:7; waiting until it is PRIMARY and COMPLETED.", back);
        Assert.Contains("web:7 is PRIMARY and COMPLETED: 2/2 tasks running.", back);
        Assert.Equal(updates, rig.Ecs.Calls.Count(c => c == "UpdateService"));
        rig.Ecs.AssertNoViolations();
    }

    [Fact]
    public async Task An_interrupted_deploy_is_found_by_its_tag_and_a_put_back_of_an_untouched_service_says_so()
    {
        var rig = new EcsRig();
        rig.Ecs.Next = Play.Stuck;
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.DriveAsync(
            rig.Target.DeployAsync(new DeployRequest(rig.App, 12, "main", EcsRig.Commit("3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"), null), cancel.Token),
            seen => seen.Any(x => x is StepStarted { Step: "rollout" }), cancel));

        var found = await rig.Target.CleanUpAsync(rig.App, 12, CancellationToken.None);
        var other = await rig.Target.CleanUpAsync(rig.App, 11, CancellationToken.None);

        Assert.StartsWith("web was rolling out web:8 (PRIMARY, rollout IN_PROGRESS) when the bot stopped.", found);
        Assert.Null(other);
        var fresh = new EcsRig();
        var untouched = await fresh.DriveAsync(fresh.Target.PutBackAsync(fresh.App, "web:7", CancellationToken.None));
        Assert.Equal(PutBackEnded.NothingToUndo, untouched[^1]);
    }

    [Fact]
    public async Task A_named_revision_is_rolled_back_to_and_an_unknown_one_is_refused()
    {
        var rig = new EcsRig();
        await rig.DeployAsync();

        Assert.Equal("released web:7", EcsRig.Texts(await rig.RollbackAsync("7"))[^1]);
        var e = await Assert.ThrowsAsync<DeployFailedException>(() => rig.RollbackAsync("web:99"));

        Assert.StartsWith("ECS has no task definition web:99", e.Message);
        Assert.Equal("web:7", rig.Ecs.Primary);
    }

    private static async IAsyncEnumerable<DeployEvent> Run(Func<Task> work)
    {
        await work();
        yield break;
    }
}
