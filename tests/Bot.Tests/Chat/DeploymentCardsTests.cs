using Bot.Chat;
using Bot.Deployments;
using Bot.Tests.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Chat;

/// <summary>The sweep that takes over cards whose follower cannot deliver their end (the process on the same host is gone, or one elsewhere went quiet).</summary>
public sealed class DeploymentCardsTests
{
    [Fact]
    public async Task A_card_followed_on_another_host_whose_end_never_went_out_is_shown_by_a_live_process_once_it_is_stale()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await TestBot.StartAsync(EngineTests.WebApp(), services => services.AddSingleton<TimeProvider>(clock), worker: false);
        // A deployment run and followed by processes of another host, which vanished after it ended and before its card said so.
        const string elsewhere = "other-host:4242:99";
        var now = clock.GetUtcNow();
        var d = ((Enqueued)await bot.Store.EnqueueAsync(new NewDeployment("web", "production", DeploymentKind.Deploy, "main", null, null,
            TestBot.User(), null, false, now), default)).Deployment;
        await bot.Store.ClaimNoteAsync(DeploymentCards.FollowerNote, d.Id.ToString(), elsewhere, null, now, default);
        Assert.NotNull(await bot.Store.ClaimAsync(elsewhere, now, TimeSpan.FromMinutes(1), d.Id, default));
        await bot.Store.FinishAsync(d.Id, DeploymentState.Succeeded, null, "r1", "https://r1.example.test", now, default);

        clock.Advance(DeploymentCards.StaleEnd);
        clock.Advance(DeploymentCards.SweepEvery);
        var shown = await bot.Chat.NextCardAsync(c => c.Deployment.Id == d.Id, TimeSpan.FromSeconds(30));

        Assert.Equal((DeploymentState.Succeeded, "✅ web #1 → production: live"), (shown.Deployment.State, shown.Title));
        await ProcessRig.UntilAsync(async () => await bot.Store.GetNoteAsync(DeploymentCards.FollowerNote, d.Id.ToString(), default) == DeploymentCards.Delivered ? "" : null,
            TimeSpan.FromSeconds(30), "the card's end to be noted delivered");
        Assert.Equal([DeploymentState.Succeeded], bot.Chat.StatesOf(d.Id).Distinct());
    }
}
