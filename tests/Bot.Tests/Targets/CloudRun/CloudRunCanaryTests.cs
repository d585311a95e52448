using Bot.Chat;
using Bot.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// A canary left in place (its card offers Promote now and Roll back, and rollback ends it on the serving revision), and a
/// cancel that lands after the traffic patch was applied: the traffic goes back, so "cancelled" is true.
/// </summary>
public sealed class CloudRunCanaryTests
{
    private static readonly Dictionary<string, string?> Canary = new() { ["Apps:site:CloudRun:Canary"] = "10" };

    [Fact]
    public async Task A_canary_card_offers_promote_and_roll_back_and_roll_back_ends_it_on_the_serving_revision()
    {
        await using var rig = await CloudRunRig.StartAsync(Canary);

        var d = await rig.DeployAsync();
        await rig.Bot.Services.GetRequiredService<DeploymentCards>().IdleAsync();

        Assert.True(d.State == DeploymentState.Succeeded, d.Message);
        Assert.Contains("canary", await rig.EventsAsync(d.Id));
        var card = rig.Bot.Chat.Cards.Last(c => c.Card.Deployment.Id == d.Id).Card;
        Assert.True(card.CanaryLive);
        Assert.StartsWith($"Traffic verified: site-00002-bbb 90%, {d.Release} 10%.", card.LiveNote);
        Assert.Equal(["promote site canary in production", "rollback site in production", "logs site in production"], card.Actions.Select(a => a.Command));
        Assert.All(card.Actions.Take(2), a => Assert.NotNull(a.Confirm));

        var back = await rig.DeployAsync("rollback site");

        Assert.True(back.State == DeploymentState.Succeeded, back.Message);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task Without_the_bots_record_rollback_during_a_canary_still_goes_to_the_serving_revision()
    {
        await using var rig = await CloudRunRig.StartAsync(Canary);
        await rig.DeployAsync();
        var target = rig.Bot.Services.GetRequiredService<Bot.Targets.CloudRun.CloudRunTarget>();
        var app = rig.Bot.Services.GetRequiredService<Bot.Configuration.AppCatalog>().Find("site")!.Default;

        var events = new List<Bot.Targets.DeployEvent>();
        await foreach (var e in target.RollbackAsync(new Bot.Targets.RollbackRequest(app, 9, null, null, null), CancellationToken.None)) events.Add(e);

        Assert.Equal("site-00002-bbb", events.OfType<Bot.Targets.Released>().Single().Release);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
    }

    [Fact]
    public async Task A_cancel_arriving_after_the_traffic_moved_puts_the_traffic_back()
    {
        await using var rig = await CloudRunRig.StartAsync();
        string? cancelled = null;
        rig.Google.AfterTrafficPatch = _ =>
        {
            rig.Google.AfterTrafficPatch = null;
            cancelled = string.Join(" ", rig.Bot.SendAsync("cancel site").GetAwaiter().GetResult().Messages.Select(m => m.Text));
        };

        var d = await rig.DeployAsync();

        Assert.True(d.State == DeploymentState.Cancelled, $"{d.State}: {d.Message} (cancel said: {cancelled})");
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
        Assert.Equal(3, rig.Service.Patches); // the revision, the traffic, the traffic back
        rig.Google.AssertNoViolations();
    }

    [Fact]
    public async Task An_interrupted_deploys_traffic_goes_back_to_the_revision_before_it_and_others_are_not_touched()
    {
        await using var rig = await CloudRunRig.StartAsync(Canary);
        var d = await rig.DeployAsync();
        var target = rig.Bot.Services.GetRequiredService<Bot.Targets.CloudRun.CloudRunTarget>();
        var app = rig.Bot.Services.GetRequiredService<Bot.Configuration.AppCatalog>().Find("site")!.Default;

        Assert.Null(await target.CleanUpAsync(app, 7, CancellationToken.None));
        Assert.Equal(new Dictionary<string, int> { [d.Release!] = 10, ["site-00002-bbb"] = 90 }, rig.Traffic());

        var said = await target.CleanUpAsync(app, d.Number, CancellationToken.None);

        Assert.Equal($"{d.Release} had 10% of the traffic when the bot stopped; it is all back on site-00002-bbb (verified: site-00002-bbb 100%).", said);
        Assert.Equal(new Dictionary<string, int> { ["site-00002-bbb"] = 100 }, rig.Traffic());
        Assert.Equal($"Revision {d.Release} was made, but it has no traffic: site-00002-bbb 100%.", await target.CleanUpAsync(app, d.Number, CancellationToken.None));
        rig.Google.AssertNoViolations();
    }
}
