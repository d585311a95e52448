using Bot.Deployments;
using Bot.Deployments.Pushes;

namespace Bot.Tests.Pushes;

/// <summary>Pushes become deploys: the card in the app's channel, one deploy per push, the newest of several, never an older one.</summary>
public sealed class PushDeployTests
{
    [Fact]
    public async Task A_push_deploys_its_head_in_the_apps_channel_saying_who_pushed_and_what_it_brings()
    {
        await using var rig = await PushRig.StartAsync();
        var live = await rig.Bot.DeployAsync("deploy web main", user: "bob");
        rig.Repo.Commit("Fix login");
        var head = rig.Repo.Commit("Add search");

        await rig.PushAsync(head, before: live.Sha);
        var waiting = Assert.Single(await rig.Bot.Store.WaitingAsync(10, default));
        Assert.Equal(("test", "C9", "github:ana-gh", "ana", "webhook"), (waiting.Origin.Platform, waiting.Origin.Conversation, waiting.Origin.QualifiedUser, waiting.Origin.UserName, waiting.Via));
        await rig.LookAsync();

        var done = await rig.Bot.WaitFinishedAsync(waiting.Id);
        Assert.Equal((DeploymentState.Succeeded, head, "main"), (done.State, done.Sha, done.Ref));
        Assert.Equal(head, rig.Bot.Fake.Deploys[^1].Commit!.Sha);
        var lines = await rig.LinesAsync(done.Id);
        Assert.Contains(lines, l => l.StartsWith($"ana pushed {head[..7]} to main.", StringComparison.Ordinal) && l.Contains("https://github.com/acme/web/compare/", StringComparison.Ordinal));
        Assert.Contains($"2 commits since #{live.Number} (main@{live.ShortSha}): • {head[..7]} Add search • ", lines.Single(l => l.StartsWith("2 commits", StringComparison.Ordinal)));
        var card = rig.Bot.Chat.Cards.Last(c => c.Card.Deployment.Id == done.Id).Card;
        Assert.Contains("ana (push)", card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_push_and_the_poll_seeing_the_same_push_make_one_deployment()
    {
        await using var rig = await PushRig.StartAsync();
        var head = rig.Repo.Commit("change");
        await rig.PushAsync(head);
        await rig.PushAsync(head);
        await rig.PushAsync(head, via: "poll");
        Assert.Single(await rig.AllAsync());
    }

    [Fact]
    public async Task Three_quick_pushes_while_a_deploy_runs_wait_their_turn_and_end_in_one_deploy_of_the_newest()
    {
        await using var rig = await PushRig.StartAsync();
        rig.Bot.Fake.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var typed = await rig.Bot.SendAsync("deploy web main");
        await rig.Bot.Fake.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var shas = new[] { rig.Repo.Commit("one"), rig.Repo.Commit("two"), rig.Repo.Commit("three") };
        foreach (var sha in shas) await rig.PushAsync(sha);
        await rig.LookAsync();

        var all = await rig.AllAsync();
        var (one, two, three) = (all[1], all[2], all[3]);
        Assert.Equal((DeploymentState.Superseded, DeploymentState.Superseded, DeploymentState.Waiting), (one.State, two.State, three.State));
        Assert.Equal($"Superseded by #{three.Number} (main@{three.ShortSha}), a newer push of main; this one did not run.", one.Message);
        Assert.Contains($"Waiting for its turn: web production is held by #{typed.Started!.Number} (main@{typed.Started.ShortSha}, running).", await rig.LinesAsync(three.Id));
        await rig.LookAsync();
        Assert.Single(await rig.LinesAsync(three.Id), l => l.StartsWith("Waiting for its turn", StringComparison.Ordinal));

        rig.Bot.Fake.Hold.SetResult();
        await rig.Bot.WaitFinishedAsync(typed.Started.Id);
        await rig.LookAsync();
        var done = await rig.Bot.WaitFinishedAsync(three.Id);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal([typed.Started.Sha, shas[2]], rig.Bot.Fake.Deploys.Select(d => d.Commit!.Sha));
    }

    [Fact]
    public async Task A_push_that_arrives_after_a_newer_commit_of_its_branch_ran_is_never_deployed()
    {
        await using var rig = await PushRig.StartAsync();
        var older = rig.Repo.Commit("older");
        var newer = rig.Repo.Commit("newer");
        await rig.PushAsync(newer);
        await rig.LookAsync();
        var first = Assert.Single(await rig.AllAsync());
        await rig.Bot.WaitFinishedAsync(first.Id);

        await rig.PushAsync(older);
        await rig.LookAsync();
        var late = (await rig.AllAsync())[^1];
        Assert.Equal(DeploymentState.Superseded, late.State);
        Assert.Equal($"#{first.Number} (main@{newer[..7]}) is newer and already includes {older[..7]}, so this older push did not run.", late.Message);
        Assert.Equal([newer], rig.Bot.Fake.Deploys.Select(d => d.Commit!.Sha));
    }

    [Fact]
    public async Task A_force_push_deploys_the_new_head_even_though_it_does_not_contain_what_is_live()
    {
        await using var rig = await PushRig.StartAsync();
        var bad = rig.Repo.Commit("bad");
        await rig.PushAsync(bad);
        await rig.LookAsync();
        await rig.Bot.WaitFinishedAsync((await rig.AllAsync())[0].Id);

        rig.Repo.Git("reset", "-q", "--hard", "HEAD~1");
        var rewritten = rig.Repo.Commit("rewritten");
        await rig.PushAsync(rewritten, before: bad, forced: true);
        await rig.LookAsync();
        var forced = await rig.Bot.WaitFinishedAsync((await rig.AllAsync())[^1].Id);
        Assert.Equal((DeploymentState.Succeeded, rewritten), (forced.State, forced.Sha));
        Assert.Contains(await rig.LinesAsync(forced.Id), l => l.StartsWith($"ana pushed {rewritten[..7]} to main (a force push).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_push_needs_approval_like_a_typed_deploy_and_the_pusher_cannot_approve_it()
    {
        await using var rig = await PushRig.StartAsync(new()
        {
            ["Apps:web:RequireApproval"] = "true",
            ["Apps:web:Approvers:0"] = "test:ana",
            ["Apps:web:Approvers:1"] = "test:bob",
        });
        var head = rig.Repo.Commit("change");
        await rig.PushAsync(head);
        await rig.LookAsync();
        var d = Assert.Single(await rig.AllAsync());
        Assert.Equal(DeploymentState.AwaitingApproval, d.State);

        var own = await rig.Bot.SendAsync($"approve web #{d.Number}", user: "ana", conversation: "C9");
        Assert.False(own.Ok);
        Assert.StartsWith("You asked for #1 yourself", own.Messages[0].Text, StringComparison.Ordinal);
        var other = await rig.Bot.SendAsync($"approve web #{d.Number}", user: "bob", conversation: "C9");
        Assert.True(other.Ok, other.Messages[0].Text);
        Assert.Equal(DeploymentState.Succeeded, (await rig.Bot.WaitFinishedAsync(d.Id)).State);
    }

    [Fact]
    public async Task Pushes_of_another_branch_or_repository_deploy_nothing()
    {
        await using var rig = await PushRig.StartAsync();
        var head = rig.Repo.Commit("change");
        await rig.Sink.PushedAsync(new Bot.Sources.Push("acme/web", "feature", head, null, false, "github:ana-gh", "ana-gh", null, [], "webhook"), default);
        await rig.Sink.PushedAsync(new Bot.Sources.Push("acme/other", "main", head, null, false, "github:ana-gh", "ana-gh", null, [], "webhook"), default);
        Assert.Empty(await rig.AllAsync());
    }
}
