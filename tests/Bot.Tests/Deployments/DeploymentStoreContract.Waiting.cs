using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>What every store does with deployments that wait for their checks or their turn without the lock.</summary>
public abstract partial class DeploymentStoreContract
{
    private static NewDeployment Waiting(string sha = "aaaaaaa1", string user = "github:ana") =>
        New(user: "ana") with { Sha = sha, Origin = new Origin("slack", "C1", null, user, "ana"), Waits = true, Via = "webhook" };

    [Fact]
    public async Task A_waiting_deployment_holds_no_lock_no_worker_can_claim_it_and_it_keeps_its_push()
    {
        var store = await CreateStoreAsync();
        var w = Queued(await store.EnqueueAsync(Waiting(), default));

        Assert.Equal((DeploymentState.Waiting, "webhook", true), (w.State, w.Via, w.IsActive));
        Assert.Equal("github:ana", w.Origin.QualifiedUser);
        Assert.Null(await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), null, default));
        // No lock: a typed deploy goes ahead of it.
        var typed = Queued(await store.EnqueueAsync(New(user: "bob"), default));
        Assert.Equal(DeploymentState.Queued, typed.State);
        Assert.Equal([w.Id], (await store.WaitingAsync(10, default)).Select(d => d.Id));
        Assert.Contains(w.Id, (await store.ListAsync("web", null, 10, activeOnly: true, default)).Select(d => d.Id));
        Assert.Empty(await store.RecoverAsync(T0.AddMinutes(5), _ => true, null, default));
    }

    [Fact]
    public async Task A_waiting_deployment_goes_only_when_its_app_env_is_free_and_then_holds_the_lock()
    {
        var store = await CreateStoreAsync();
        var running = Queued(await store.EnqueueAsync(New(user: "bob"), default));
        var w = Queued(await store.EnqueueAsync(Waiting(), default));

        var blocked = Assert.IsType<Blocked>(await store.ReleaseWaitingAsync(w.Id, null, T0.AddMinutes(1), default));
        Assert.Equal(running.Id, blocked.Holder!.Id);
        await store.FinishAsync(running.Id, DeploymentState.Succeeded, null, "v1", null, T0.AddMinutes(2), default);

        var queued = Assert.IsType<Enqueued>(await store.ReleaseWaitingAsync(w.Id, null, T0.AddMinutes(3), default)).Deployment;
        Assert.Equal(DeploymentState.Queued, queued.State);
        Assert.Null(await store.ReleaseWaitingAsync(w.Id, null, T0.AddMinutes(3), default));
        Assert.Equal(w.Id, Assert.IsType<Blocked>(await store.EnqueueAsync(New(user: "carol"), default)).Holder!.Id);
        Assert.Equal(w.Id, (await store.ClaimAsync("w", T0.AddMinutes(4), TimeSpan.FromMinutes(1), null, default))!.DeploymentId);
        Assert.Empty(await store.WaitingAsync(10, default));
    }

    [Fact]
    public async Task A_waiting_deployment_let_go_under_the_two_person_rule_awaits_approval_and_its_pusher_is_the_requester()
    {
        var store = await CreateStoreAsync();
        var w = Queued(await store.EnqueueAsync(Waiting(), default));

        var awaiting = Assert.IsType<Enqueued>(await store.ReleaseWaitingAsync(w.Id, new ApprovalRule(1, T0.AddHours(1), "slack:bob"), T0, default)).Deployment;
        Assert.Equal(DeploymentState.AwaitingApproval, awaiting.State);
        Assert.Null(await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), null, default));
        var counted = Assert.IsType<VoteCounted>(await store.VoteAsync(w.Id, new ApprovalVote("slack:bob", "bob", true, null, T0.AddMinutes(1)), default));
        Assert.Equal(DeploymentState.Queued, counted.Deployment.State);
    }

    [Fact]
    public async Task Ending_a_waiting_deployment_acts_once_and_never_on_one_that_went_on()
    {
        var store = await CreateStoreAsync();
        var older = Queued(await store.EnqueueAsync(Waiting("aaaaaaa1"), default));
        var newer = Queued(await store.EnqueueAsync(Waiting("bbbbbbb2"), default));

        var superseded = await store.EndWaitingAsync(older.Id, DeploymentState.Superseded, "Superseded by #2.", T0.AddMinutes(1), default);
        Assert.Equal((DeploymentState.Superseded, "Superseded by #2."), (superseded!.State, superseded.Message));
        Assert.Null(await store.EndWaitingAsync(older.Id, DeploymentState.Failed, "again", T0.AddMinutes(2), default));
        Assert.IsType<Enqueued>(await store.ReleaseWaitingAsync(newer.Id, null, T0.AddMinutes(2), default));
        Assert.Null(await store.EndWaitingAsync(newer.Id, DeploymentState.Superseded, "too late", T0.AddMinutes(3), default));
        Assert.Equal(DeploymentState.Queued, (await store.GetAsync(newer.Id, default))!.State);
        var events = await store.EventsAsync(older.Id, 0, 10, default);
        Assert.Equal(["waiting", "superseded"], events.Where(e => e.Kind == LineKind.State).Select(e => e.Text));
    }

    [Fact]
    public async Task Cancelling_a_waiting_deployment_ends_it_before_it_started()
    {
        var store = await CreateStoreAsync();
        var w = Queued(await store.EnqueueAsync(Waiting(), default));
        Assert.Equal(CancelOutcome.CancelledWhileQueued, await store.RequestCancelAsync(w.Id, T0.AddMinutes(1), default));
        Assert.Equal(DeploymentState.Cancelled, (await store.GetAsync(w.Id, default))!.State);
        Assert.Null(await store.ReleaseWaitingAsync(w.Id, null, T0.AddMinutes(2), default));
    }

    [Fact]
    public async Task Two_replicas_letting_one_waiting_deployment_go_at_once_queue_it_once()
    {
        var (first, second) = await CreateReplicasAsync();
        var w = Queued(await first.EnqueueAsync(Waiting(), default));
        var results = await Task.WhenAll(
            first.ReleaseWaitingAsync(w.Id, null, T0, default),
            second.ReleaseWaitingAsync(w.Id, null, T0, default));
        Assert.Single(results, r => r is Enqueued);
        Assert.Single(results, r => r is null);
        var promote = Queued(await first.EnqueueAsync(New(app: "api") with { Kind = DeploymentKind.Promote, PromoteFrom = "staging", RollbackTo = "slug-1" }, default));
        Assert.Equal((DeploymentKind.Promote, "staging", "slug-1"), (promote.Kind, promote.PromoteFrom, promote.RollbackTo));
    }
}
