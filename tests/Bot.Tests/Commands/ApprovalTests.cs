using Bot.Commands;
using Bot.Deployments;
using Bot.Tests.Support;

namespace Bot.Tests.Commands;

/// <summary>The two-person rule through the command path, with the real engine, store, worker and notifier.</summary>
public sealed class ApprovalTests
{
    internal static Dictionary<string, string?> Config(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Environments:production:RequireApproval"] = "true",
            ["Apps:web:Environments:production:Approvers"] = "test:bob, test:carol, test:alice",
            ["Apps:web:Environments:staging:Url"] = "https://staging.example.test",
        };
        foreach (var (k, v) in extra) config[k] = v;
        return config;
    }

    internal static async Task<Deployment> WaitingAsync(TestBot bot, string text = "deploy web main", string user = "alice")
    {
        var asked = await bot.SendAsync(text, user);
        Assert.True(asked.Ok, asked.Messages[0].Text);
        Assert.Equal(DeploymentState.AwaitingApproval, asked.Started!.State);
        return asked.Started;
    }

    [Fact]
    public async Task A_deploy_waits_with_its_lock_held_until_another_approver_approves_then_runs()
    {
        await using var bot = await TestBot.StartAsync(Config());
        var asked = await bot.SendAsync("deploy web main");
        Assert.StartsWith("⏸ Deploy #1 of web main", asked.Messages[0].Text);
        Assert.Contains("`approve web #1` within 1h", asked.Messages[0].Text);
        var d = asked.Started!;

        var card = await bot.Chat.NextCardAsync(c => c.Deployment.State == DeploymentState.AwaitingApproval && c.Approval is not null, TimeSpan.FromSeconds(10));
        Assert.Equal("⏸ web #1 → production: awaiting approval", card.Title);
        Assert.StartsWith("Waiting for approval from test:bob, test:carol, test:alice: 0 of 1, expires in ", card.LiveNote);
        Assert.Equal(["approve web #1", "reject web #1", "cancel web #1"], card.Actions.Select(a => a.Command));
        Assert.All(card.Actions, a => Assert.NotNull(a.Confirm));

        var busy = await bot.SendAsync("deploy web main", "bob");
        Assert.Contains("awaiting approval", busy.Messages[0].Text);
        var status = await bot.SendAsync("status web");
        Assert.Contains("⏸ Awaiting approval: #1 deploy", status.Messages[0].Text);
        Assert.Contains("0 of 1", status.Messages[0].Text);
        Assert.Empty(bot.Fake.Deploys);

        var approved = await bot.SendAsync("approve #1", "bob");
        Assert.True(approved.Ok, approved.Messages[0].Text);
        Assert.StartsWith("✅ Approved deploy #1 of web main to production (bob). It is queued now.", approved.Messages[0].Text);
        var done = await bot.WaitFinishedAsync(d.Id);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        var final = bot.Chat.Cards.Last().Card;
        Assert.Contains("approved by bob", final.Summary);
        Assert.DoesNotContain(final.Actions, a => a.Command.StartsWith("approve", StringComparison.Ordinal));

        var help = (await bot.SendAsync("help")).Messages[0].Text;
        Assert.Contains("`approve #id`", help);
        Assert.Contains("`reject #id [reason]`", help);
        Assert.Contains("`approve web #42`", (await bot.SendAsync("help approve")).Messages[0].Text);

        var audit = await bot.Store.AuditLogAsync(null, 10, default);
        Assert.Contains(audit, a => a is { UserId: "bob", Command: "approve #1" } && a.Result.StartsWith("ok: ✅ Approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejection_ends_it_with_who_and_why()
    {
        await using var bot = await TestBot.StartAsync(Config());
        var d = await WaitingAsync(bot);

        var rejected = await bot.SendAsync("reject web #1 not during the sale", "carol");

        Assert.True(rejected.Ok, rejected.Messages[0].Text);
        Assert.StartsWith("🛑 Rejected deploy #1 of web main to production: \"not during the sale\". It will not run", rejected.Messages[0].Text);
        var ended = await bot.WaitFinishedAsync(d.Id);
        Assert.Equal((DeploymentState.Rejected, "Rejected by carol: \"not during the sale\""), (ended.State, ended.Message));
        Assert.Empty(bot.Fake.Deploys);
        var card = bot.Chat.Cards.Last().Card;
        Assert.Equal("🛑 web #1 → production: rejected", card.Title);
        Assert.Equal("Rejected by carol: \"not during the sale\"", card.Outcome);
        Assert.DoesNotContain(card.Actions, a => a.Command.StartsWith("approve", StringComparison.Ordinal));
        var again = await bot.SendAsync("approve web #1", "bob");
        Assert.False(again.Ok);
        Assert.Contains("no longer waits for approval: Rejected by carol", again.Messages[0].Text);
        Assert.Contains("`deploy web main to production`", again.Messages[0].Text);
    }

    [Fact]
    public async Task The_requester_cannot_approve_their_own_deploy_by_default()
    {
        await using var bot = await TestBot.StartAsync(Config());
        var d = await WaitingAsync(bot);

        var own = await bot.SendAsync("approve #1");

        Assert.False(own.Ok);
        Assert.Contains("You asked for #1 yourself", own.Messages[0].Text);
        Assert.Contains("`Apps:web:AllowSelfApproval` is false", own.Messages[0].Text);
        Assert.Contains("`approve web #1`", own.Messages[0].Text);
        Assert.Empty((await bot.Store.ApprovalAsync(d.Id, default))!.Votes);
        Assert.Equal(DeploymentState.AwaitingApproval, (await bot.Store.GetAsync(d.Id, default))!.State);
    }

    [Fact]
    public async Task Self_approval_is_allowed_where_the_config_says_so()
    {
        await using var bot = await TestBot.StartAsync(Config(("Apps:web:Environments:production:AllowSelfApproval", "true")));
        var d = await WaitingAsync(bot);

        var own = await bot.SendAsync("approve #1");

        Assert.True(own.Ok, own.Messages[0].Text);
        Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync(d.Id)).State);
    }

    [Fact]
    public async Task Someone_not_among_the_approvers_is_refused_with_the_key_to_change()
    {
        await using var bot = await TestBot.StartAsync(Config());
        var d = await WaitingAsync(bot);

        foreach (var verb in new[] { "approve", "reject" })
        {
            var refused = await bot.SendAsync($"{verb} #1", "mallory");
            Assert.False(refused.Ok);
            Assert.Contains($"only the approvers of web in production can {verb}", refused.Messages[0].Text);
            Assert.Contains("`test:mallory`", refused.Messages[0].Text);
            Assert.Contains("`Apps:web:Approvers`", refused.Messages[0].Text);
        }
        Assert.Empty((await bot.Store.ApprovalAsync(d.Id, default))!.Votes);
        var audit = await bot.Store.AuditLogAsync(null, 10, default);
        Assert.Contains(audit, a => a is { UserId: "mallory", Command: "approve #1" } && a.Result.StartsWith("refused:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_approvals_need_two_different_people()
    {
        await using var bot = await TestBot.StartAsync(Config(("Apps:web:Environments:production:MinApprovals", "2")));
        var d = await WaitingAsync(bot);

        var first = await bot.SendAsync("approve #1", "bob");
        Assert.StartsWith("👍 Approved deploy #1 of web main to production: 1 of 2. It waits for 1 more", first.Messages[0].Text);
        var twice = await bot.SendAsync("approve #1", "bob");
        Assert.False(twice.Ok);
        Assert.Contains("You already approved #1 of web", twice.Messages[0].Text);
        Assert.Equal(DeploymentState.AwaitingApproval, (await bot.Store.GetAsync(d.Id, default))!.State);
        var card = await bot.Chat.NextCardAsync(c => c.Approval is { Approvals.Count: 1 }, TimeSpan.FromSeconds(10));
        Assert.Contains("1 of 2 (approved by bob)", card.LiveNote);

        var second = await bot.SendAsync("approve web #1", "carol");
        Assert.Contains("(bob, carol). It is queued now.", second.Messages[0].Text);
        Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync(d.Id)).State);
    }

    [Fact]
    public async Task One_person_is_one_requester_and_one_approver_whichever_platform_they_type_on()
    {
        await using var bot = await TestBot.StartAsync(Config(
            ("Apps:web:Environments:production:MinApprovals", "2"),
            ("Apps:web:Environments:production:Approvers", "alice, bob, carol"),
            ("People:alice:0", "test:alice"), ("People:alice:1", "line:Ualice"),
            ("People:bob:0", "test:bob"), ("People:bob:1", "line:Ubob"),
            ("People:carol:0", "test:carol")));
        var d = await WaitingAsync(bot);

        var self = await bot.Handler.HandleAsync(new ChatRequest(TestBot.User("Ualice", "line"), "approve web #1"), CancellationToken.None);
        Assert.False(self.Ok);
        Assert.StartsWith("You asked for #1 yourself", self.Messages[0].Text);

        Assert.True((await bot.SendAsync("approve web #1", "bob")).Ok);
        var again = await bot.Handler.HandleAsync(new ChatRequest(TestBot.User("Ubob", "line"), "approve web #1"), CancellationToken.None);
        Assert.False(again.Ok);
        Assert.Contains("You already approved #1 of web", again.Messages[0].Text);
        Assert.Equal(DeploymentState.AwaitingApproval, (await bot.Store.GetAsync(d.Id, default))!.State);

        Assert.Contains("It is queued now.", (await bot.SendAsync("approve web #1", "carol")).Messages[0].Text);
        Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync(d.Id)).State);
    }
}
