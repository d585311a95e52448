using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>What every store does with a deployment that a dead process left going live.</summary>
public abstract partial class DeploymentStoreContract
{
    [Fact]
    public async Task Recovery_hands_the_lock_of_a_deployment_going_live_to_a_put_back_job_that_survives_another_crash()
    {
        var store = await CreateStoreAsync();
        var live = Queued(await store.EnqueueAsync(New(app: "a"), default));
        var building = Queued(await store.EnqueueAsync(New(app: "b"), default));
        await store.ClaimAsync("dead", T0, TimeSpan.FromMinutes(10), live.Id, default);
        await store.ClaimAsync("dead", T0, TimeSpan.FromMinutes(10), building.Id, default);
        await store.MarkGoingLiveAsync(live.Id, "r0", default);

        var interrupted = await store.RecoverAsync(T0.AddMinutes(1), owner => owner == "dead", null, default);

        Assert.Equal([live.Id, building.Id], interrupted.Select(d => d.Id).Order());
        var ended = interrupted.Single(d => d.Id == live.Id);
        Assert.Equal(DeploymentState.Interrupted, ended.State);
        Assert.Contains("putting the previous release r0 back", ended.Message);
        var held = Assert.Single(await store.LocksAsync(null, default));
        Assert.Equal(("a", LockKind.Deploy, live.Id, "putting back the release before #1"), (held.App, held.Kind, held.DeploymentId, held.Reason));
        Assert.IsType<Blocked>(await store.EnqueueAsync(New(app: "a"), default));

        // The job is claimed like any other; its deployment stays as it ended.
        var job = (await store.ClaimAsync("me", T0.AddMinutes(1), TimeSpan.FromMinutes(1), live.Id, default))!;
        Assert.Equal(("putback", "r0"), (job.Kind, job.Payload));
        Assert.Equal(DeploymentState.Interrupted, (await store.GetAsync(live.Id, default))!.State);

        // Its worker dies too: the next recovery queues the put-back again, still holding the lock.
        var again = await store.RecoverAsync(T0.AddMinutes(5), owner => owner == "me", null, default);
        Assert.Equal(live.Id, Assert.Single(again).Id);
        Assert.Single(await store.LocksAsync("a", default));
        var retry = (await store.ClaimAsync("next", T0.AddMinutes(5), TimeSpan.FromMinutes(1), live.Id, default))!;
        Assert.Equal(("putback", "r0"), (retry.Kind, retry.Payload));

        var done = await store.FinishPutBackAsync(live.Id, "Put back.", T0.AddMinutes(6), default);
        Assert.Equal(("Put back.", DeploymentState.Interrupted), (done.Message, done.State));
        Assert.Empty(await store.LocksAsync(null, default));
        Assert.Empty(await store.RecoverAsync(T0.AddHours(1), _ => true, null, default));
        Assert.IsType<Enqueued>(await store.EnqueueAsync(New(app: "a"), default));
    }
}
