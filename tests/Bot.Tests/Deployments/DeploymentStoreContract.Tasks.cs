using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>What every store does with one-off tasks (which may run beside a deploy) and config changes (whose values are sealed).</summary>
public abstract partial class DeploymentStoreContract
{
    private static NewDeployment OneOff(bool takesLock = false) =>
        New() with { Kind = DeploymentKind.Task, Subject = "migrate", Sha = "abc1234", TakesLock = takesLock };

    [Fact]
    public async Task A_task_without_the_lock_runs_beside_a_deploy_and_a_task_that_takes_it_is_blocked()
    {
        var store = await CreateStoreAsync();
        var deploy = Queued(await store.EnqueueAsync(New(), default));
        var task = Queued(await store.EnqueueAsync(OneOff(), default));
        Assert.Equal((DeploymentKind.Task, DeploymentState.Queued, "migrate"), (task.Kind, task.State, task.Subject));

        Assert.Equal(deploy.Id, Assert.IsType<Blocked>(await store.EnqueueAsync(OneOff(takesLock: true), default)).Holder!.Id);
        // Finishing the task frees nothing it never held: the deploy still holds the app/env.
        Assert.Equal(task.Id, (await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), task.Id, default))!.DeploymentId);
        await store.FinishAsync(task.Id, DeploymentState.Succeeded, null, null, null, T0.AddMinutes(1), default);
        Assert.Equal(deploy.Id, Assert.IsType<Blocked>(await store.EnqueueAsync(New(user: "bob"), default)).Holder!.Id);
    }

    [Fact]
    public async Task A_task_that_succeeds_is_never_what_is_live()
    {
        var store = await CreateStoreAsync();
        var deploy = Queued(await store.EnqueueAsync(New(), default));
        await store.FinishAsync(deploy.Id, DeploymentState.Succeeded, null, "v1", null, T0.AddMinutes(1), default);
        var task = Queued(await store.EnqueueAsync(OneOff(), default));
        await store.FinishAsync(task.Id, DeploymentState.Succeeded, null, null, null, T0.AddMinutes(2), default);

        Assert.Equal([deploy.Id], (await store.SucceededAsync("web", "production", 10, default)).Select(d => d.Id));
        Assert.Equal(DeploymentKind.Task, (await store.GetAsync(task.Id, default))!.Kind);
    }

    [Fact]
    public async Task A_config_change_keeps_its_sealed_values_only_until_it_ends()
    {
        var store = await CreateStoreAsync();
        var change = Queued(await store.EnqueueAsync(New() with { Kind = DeploymentKind.Config, Subject = "1 set (A)", Sealed = "v1.sealed-bytes" }, default));
        var key = change.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DeploymentKind.Config, change.Kind);
        Assert.Equal("v1.sealed-bytes", await store.GetNoteAsync(StoreNames.SealedScope, key, default));

        await store.FinishAsync(change.Id, DeploymentState.Failed, "no", null, null, T0.AddMinutes(1), default);
        Assert.Null(await store.GetNoteAsync(StoreNames.SealedScope, key, default));
    }

    [Fact]
    public async Task A_config_change_cancelled_before_it_ran_drops_its_sealed_values()
    {
        var store = await CreateStoreAsync();
        var change = Queued(await store.EnqueueAsync(New() with { Kind = DeploymentKind.Config, Subject = "1 set (A)", Sealed = "v1.x",
            Approval = new ApprovalRule(1, T0.AddHours(1), "slack:bob") }, default));
        Assert.Equal(CancelOutcome.CancelledWhileQueued, await store.RequestCancelAsync(change.Id, T0, default));
        Assert.Null(await store.GetNoteAsync(StoreNames.SealedScope, change.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default));
    }
}
