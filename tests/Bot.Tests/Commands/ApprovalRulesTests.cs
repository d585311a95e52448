using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Commands;

/// <summary>When an approval runs out, and what never waits for one.</summary>
public sealed class ApprovalRulesTests
{
    [Fact]
    public async Task An_approval_nobody_gives_expires_on_the_workers_clock_and_the_card_says_so()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var bot = await TestBot.StartAsync(ApprovalTests.Config(("Apps:web:Environments:production:ApprovalTimeout", "30m")),
            services => services.AddSingleton<TimeProvider>(time), worker: false);
        var d = await ApprovalTests.WaitingAsync(bot);
        var worker = bot.Services.GetRequiredService<JobWorker>();

        time.Advance(TimeSpan.FromMinutes(29));
        await worker.RecoverAsync(default);
        Assert.Equal(DeploymentState.AwaitingApproval, (await bot.Store.GetAsync(d.Id, default))!.State);

        time.Advance(TimeSpan.FromMinutes(1));
        var late = await bot.SendAsync("approve #1", "bob");
        Assert.False(late.Ok);
        Assert.Contains("ran out at", late.Messages[0].Text);
        await worker.RecoverAsync(default);

        var ended = await bot.WaitFinishedAsync(d.Id);
        Assert.Equal(DeploymentState.Expired, ended.State);
        Assert.Contains("Nobody approved it in time (0 of 1 approvals)", ended.Message);
        var card = bot.Chat.Cards.Last().Card;
        Assert.Equal("⌛ web #1 → production: expired", card.Title);
        Assert.Contains(card.Actions, a => a.Command == "deploy web main to production");
        Assert.True((await bot.SendAsync("deploy web main to staging", "bob")).Started is { State: DeploymentState.Queued });
        Assert.DoesNotContain(await bot.Store.LocksAsync("web", default), l => l.Env == "production");
    }

    [Fact]
    public async Task Rollbacks_and_other_environments_do_not_wait()
    {
        await using var bot = await TestBot.StartAsync(ApprovalTests.Config());
        var staging = await bot.SendAsync("deploy web main to staging");
        Assert.Equal(DeploymentState.Queued, staging.Started!.State);
        await bot.WaitFinishedAsync(staging.Started.Id);
        var notNeeded = await bot.SendAsync("approve web #1", "bob");
        Assert.Contains("did not need approval", notNeeded.Messages[0].Text);
        var unknown = await bot.SendAsync("approve #7", "bob");
        Assert.Contains("Nothing numbered #7 waits for approval", unknown.Messages[0].Text);

        foreach (var n in new[] { 2, 3 })
        {
            await ApprovalTests.WaitingAsync(bot);
            Assert.True((await bot.SendAsync($"approve #{n}", "bob")).Ok);
            Assert.Equal(DeploymentState.Succeeded, (await bot.WaitFinishedAsync((await bot.Store.FindAsync("web", n, default))!.Id)).State);
        }
        // A rollback puts back a release that was approved when it shipped: it is not held up in an incident.
        var rollback = await bot.SendAsync("rollback web");
        Assert.True(rollback.Ok, rollback.Messages[0].Text);
        Assert.Equal(DeploymentState.Queued, rollback.Started!.State);
    }
}
