using Bot.Deployments;

namespace Bot.Tests.Deployments;

/// <summary>What every store does with deployments that wait for approvals (the two-person rule).</summary>
public abstract partial class DeploymentStoreContract
{
    /// <summary>Two instances of one store, as two replicas open it: nothing shared in memory.</summary>
    protected abstract Task<(IDeploymentStore First, IDeploymentStore Second)> CreateReplicasAsync();

    private static NewDeployment Awaiting(int needed = 1, string app = "web", string user = "alice") =>
        New(app: app, user: user) with { Approval = new ApprovalRule(needed, T0.AddHours(1), "slack:bob, slack:carol") };

    private static ApprovalVote Vote(string user, bool approved = true, string? reason = null, int minute = 1) =>
        new($"slack:{user}", user, approved, reason, T0.AddMinutes(minute));

    [Fact]
    public async Task A_deployment_awaiting_approval_holds_its_lock_and_no_worker_can_claim_it()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(Awaiting(), default));

        Assert.Equal(DeploymentState.AwaitingApproval, d.State);
        Assert.True(d.IsActive);
        Assert.Null(await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), null, default));
        Assert.Equal(d.Id, Assert.IsType<Blocked>(await store.EnqueueAsync(New(user: "bob"), default)).Holder!.Id);
        Assert.Equal(d.Id, Assert.Single(await store.ListAsync("web", null, 10, activeOnly: true, default)).Id);
        var status = (await store.ApprovalAsync(d.Id, default))!;
        Assert.Equal((1, T0.AddHours(1), "slack:bob, slack:carol", 0), (status.Needed, status.ExpiresAt, status.Approvers, status.Votes.Count));
        Assert.Null(await store.ApprovalAsync(Queued(await store.EnqueueAsync(New(app: "api"), default)).Id, default));
        // Recovery leaves it waiting: nobody runs it until it is approved.
        Assert.Empty(await store.RecoverAsync(T0.AddMinutes(5), _ => true, null, default));
        Assert.Equal(DeploymentState.AwaitingApproval, (await store.GetAsync(d.Id, default))!.State);
    }

    [Fact]
    public async Task The_last_approval_needed_queues_it_for_any_worker_and_each_person_counts_once()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(Awaiting(needed: 2) with { RunBy = "gone-console" }, default));

        var first = Assert.IsType<VoteCounted>(await store.VoteAsync(d.Id, Vote("bob"), default));
        Assert.Equal(DeploymentState.AwaitingApproval, first.Deployment.State);
        var twice = Assert.IsType<AlreadyVoted>(await store.VoteAsync(d.Id, Vote("bob", minute: 2), default));
        Assert.Equal(T0.AddMinutes(1), twice.Earlier.At);
        Assert.Null(await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), null, default));

        var second = Assert.IsType<VoteCounted>(await store.VoteAsync(d.Id, Vote("carol", minute: 3), default));
        Assert.Equal(DeploymentState.Queued, second.Deployment.State);
        Assert.Equal("bob, carol", second.Status.ApprovedBy);
        var job = await store.ClaimAsync("w", T0.AddMinutes(3), TimeSpan.FromMinutes(1), null, default);
        Assert.Equal(d.Id, job!.DeploymentId);

        var status = (await store.ApprovalAsync(d.Id, default))!;
        Assert.Equal([("slack:bob", T0.AddMinutes(1)), ("slack:carol", T0.AddMinutes(3))], status.Votes.Select(v => (v.UserId, v.At)));
        var events = await store.EventsAsync(d.Id, 0, 100, default);
        Assert.Equal(["awaiting_approval", "Approved by bob (1 of 2).", "Approved by carol (2 of 2).", "queued", "running"],
            events.Where(e => e.Kind is LineKind.State or LineKind.Notice).Select(e => e.Text));
        Assert.IsType<NotAwaiting>(await store.VoteAsync(d.Id, Vote("dave", minute: 4), default));
    }

    [Fact]
    public async Task A_rejection_ends_it_with_who_and_why_and_frees_the_app()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(Awaiting(), default));

        var rejected = Assert.IsType<VoteCounted>(await store.VoteAsync(d.Id, Vote("bob", approved: false, reason: "not during the sale"), default));

        Assert.Equal((DeploymentState.Rejected, "Rejected by bob: \"not during the sale\""), (rejected.Deployment.State, rejected.Deployment.Message));
        Assert.Equal("not during the sale", rejected.Status.Rejection!.Reason);
        Assert.Empty(await store.LocksAsync("web", default));
        Assert.Null(await store.ClaimAsync("w", T0, TimeSpan.FromMinutes(1), null, default));
        Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default));
    }

    [Fact]
    public async Task Cancelling_a_deployment_awaiting_approval_ends_it_before_it_started()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(Awaiting(), default));
        Assert.Equal(CancelOutcome.CancelledWhileQueued, await store.RequestCancelAsync(d.Id, T0.AddMinutes(1), default));
        Assert.Equal(DeploymentState.Cancelled, (await store.GetAsync(d.Id, default))!.State);
        Assert.Empty(await store.LocksAsync("web", default));
    }

    [Fact]
    public async Task Approvals_expire_when_their_time_is_up_and_only_then()
    {
        var store = await CreateStoreAsync();
        var d = Queued(await store.EnqueueAsync(Awaiting(needed: 2), default));
        await store.VoteAsync(d.Id, Vote("bob"), default);

        Assert.Empty(await store.ExpireApprovalsAsync(T0.AddMinutes(59), null, default));
        Assert.Empty(await store.ExpireApprovalsAsync(T0.AddHours(2), "line", default));
        var expired = Assert.Single(await store.ExpireApprovalsAsync(T0.AddHours(1), null, default));

        Assert.Equal((d.Id, DeploymentState.Expired), (expired.Id, expired.State));
        Assert.Contains("1 of 2 approvals", expired.Message);
        Assert.Empty(await store.LocksAsync("web", default));
        Assert.Empty(await store.ExpireApprovalsAsync(T0.AddHours(3), null, default));
        Assert.IsType<NotAwaiting>(await store.VoteAsync(d.Id, Vote("carol", minute: 61), default));
    }

    [Fact]
    public async Task An_approval_recorded_by_one_replica_is_seen_by_the_other_and_counted_once()
    {
        var (first, second) = await CreateReplicasAsync();
        var d = Queued(await first.EnqueueAsync(Awaiting(needed: 2), default));

        Assert.IsType<VoteCounted>(await second.VoteAsync(d.Id, Vote("bob"), default));
        Assert.IsType<AlreadyVoted>(await first.VoteAsync(d.Id, Vote("bob", minute: 2), default));
        Assert.Equal("bob", (await first.ApprovalAsync(d.Id, default))!.ApprovedBy);

        // Two people answering at once on the two replicas: one completes the approval, the other finds it queued already.
        var both = await Task.WhenAll(
            Task.Run(() => first.VoteAsync(d.Id, Vote("carol", minute: 3), default)),
            Task.Run(() => second.VoteAsync(d.Id, Vote("dave", minute: 3), default)));
        Assert.Single(both, o => o is VoteCounted { Deployment.State: DeploymentState.Queued });
        Assert.Single(both, o => o is NotAwaiting);
        Assert.Equal(DeploymentState.Queued, (await second.GetAsync(d.Id, default))!.State);
        Assert.Equal(2, (await second.ApprovalAsync(d.Id, default))!.Approvals.Count);
        Assert.Single(await first.EventsAsync(d.Id, 0, 100, default), e => e is { Kind: LineKind.State, Text: "queued" });
    }
}
