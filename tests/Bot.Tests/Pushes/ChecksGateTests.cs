using Bot.Deployments;
using Bot.Deployments.Pushes;

namespace Bot.Tests.Pushes;

/// <summary>The CI gate: pending waits without the lock, success lets it go, failure refuses by name, time runs out, <c>deploy!</c> skips.</summary>
public sealed class ChecksGateTests
{
    private static Dictionary<string, string?> Gated(string checks = "build") => new() { ["Apps:web:RequireChecks"] = checks };

    [Fact]
    public async Task Pending_checks_hold_a_push_without_the_lock_and_their_success_lets_it_go()
    {
        await using var rig = await PushRig.StartAsync(Gated());
        var head = rig.Repo.Commit("change");
        await rig.PushAsync(head);
        await rig.LookAsync();

        var d = Assert.Single(await rig.AllAsync());
        Assert.Equal(DeploymentState.Waiting, d.State);
        Assert.Contains("🚦 Waiting for checks: build (queued).", await rig.LinesAsync(d.Id));
        Assert.Empty(await rig.Bot.Store.LocksAsync("web", default));
        var status = (await rig.Bot.SendAsync("status web")).Messages[0].Text;
        Assert.Contains($"🚦 Waiting: #{d.Number} deploy of main@{head[..7]} · ana (push)", status, StringComparison.Ordinal);
        Assert.DoesNotContain("⏳ Now", status, StringComparison.Ordinal);
        // Read again only when a webhook says they changed, or after half a minute.
        await rig.LookAsync();
        Assert.Equal(1, rig.Checks.Reads[head]);
        rig.Time.Advance(WaitingDeployments.ChecksEvery);
        await rig.LookAsync();
        Assert.Equal(2, rig.Checks.Reads[head]);
        Assert.Single(await rig.LinesAsync(d.Id), l => l.StartsWith("🚦", StringComparison.Ordinal));

        rig.Checks.Set(head, GateState.Passed, "checks passed: build");
        await rig.Sink.ChecksChangedAsync("acme/web", head, default);
        await rig.LookAsync();
        var done = await rig.Bot.WaitFinishedAsync(d.Id);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Contains("✔ Checks passed: build.", await rig.LinesAsync(d.Id));
    }

    [Fact]
    public async Task A_failing_check_refuses_the_deploy_by_name_before_anything_runs_and_says_how_to_skip_it()
    {
        await using var rig = await PushRig.StartAsync(Gated());
        var head = rig.Repo.Commit("change");
        rig.Checks.Set(head, GateState.Failed, "checks failed: build (failure) https://github.com/acme/web/runs/4");
        await rig.PushAsync(head);
        await rig.LookAsync();

        var d = Assert.Single(await rig.AllAsync());
        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.Equal($"Refused before anything ran: checks failed: build (failure) https://github.com/acme/web/runs/4. " +
                     $"To deploy {head[..7]} without them, type `deploy! web {head[..7]} to production` (it is audited).", d.Message);
        Assert.Empty(rig.Bot.Fake.Deploys);
    }

    [Fact]
    public async Task Checks_that_never_finish_end_the_wait_at_ChecksTimeout()
    {
        await using var rig = await PushRig.StartAsync(new() { ["Apps:web:RequireChecks"] = "all", ["Apps:web:ChecksTimeout"] = "10m" });
        await rig.PushAsync(rig.Repo.Commit("change"));
        await rig.LookAsync();
        rig.Time.Advance(TimeSpan.FromMinutes(10));
        await rig.LookAsync();
        var d = Assert.Single(await rig.AllAsync());
        Assert.Equal(DeploymentState.Failed, d.State);
        Assert.StartsWith("Refused: the checks did not finish within 10m (waiting for checks: build (queued)). To deploy ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_deploy_waits_for_its_checks_too_and_deploy_bang_skips_them_on_the_card()
    {
        await using var rig = await PushRig.StartAsync(Gated("build,test"));
        var head = rig.Repo.Commit("change");
        var typed = await rig.Bot.SendAsync("deploy web main");
        Assert.True(typed.Ok);
        Assert.StartsWith($"🚦 Deploy #{typed.Started!.Number} of web main@{head[..7]}", typed.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("waits for its checks (build, test)", typed.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains($"`deploy! web {head[..7]} to production`", typed.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(DeploymentState.Waiting, typed.Started.State);

        var cancelled = await rig.Bot.SendAsync($"cancel web #{typed.Started.Number}");
        Assert.True(cancelled.Ok);
        var skipped = await rig.Bot.SendAsync($"deploy! web {head[..7]}");
        Assert.True(skipped.Ok, skipped.Messages[0].Text);
        var done = await rig.Bot.WaitFinishedAsync(skipped.Started!.Id);
        Assert.Equal((DeploymentState.Succeeded, true), (done.State, done.SkipChecks));
        Assert.Contains("checks skipped (deploy!)", rig.Bot.Chat.Cards.Last(c => c.Card.Deployment.Id == done.Id).Card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gated_deploy_runs_exactly_the_commit_that_passed_even_if_its_branch_moved_meanwhile()
    {
        await using var rig = await PushRig.StartAsync(Gated());
        var passed = rig.Repo.Commit("passed");
        var typed = await rig.Bot.SendAsync("deploy web main");
        rig.Repo.Commit("newer, unchecked");
        rig.Checks.Set(passed, GateState.Passed, "checks passed: build");
        await rig.LookAsync();
        var done = await rig.Bot.WaitFinishedAsync(typed.Started!.Id);
        Assert.Equal(passed, done.Sha);
        Assert.Equal(passed, rig.Bot.Fake.Deploys.Single().Commit!.Sha);
    }

    [Fact]
    public async Task An_environment_that_takes_promotions_only_refuses_a_direct_deploy_with_the_promote_to_type()
    {
        await using var rig = await PushRig.StartAsync(new()
        {
            ["Apps:web:AutoDeploy"] = null,
            ["Apps:web:Environments:staging:AutoDeploy"] = "main",
            ["Apps:web:Environments:production:PromoteFrom"] = "staging",
        });
        var refused = await rig.Bot.SendAsync("deploy web main to production");
        Assert.False(refused.Ok);
        Assert.Equal("web production takes promotions only: what runs in staging goes there as it is. Type `promote web staging to production`.", refused.Messages[0].Text);
    }
}
