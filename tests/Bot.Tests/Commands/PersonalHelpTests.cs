using Bot.Tests.Support;
using static Bot.Tests.Commands.PeopleRig;

namespace Bot.Tests.Commands;

/// <summary><c>help</c> offers each person the verbs they may use, app by app and environment by environment.</summary>
public sealed class PersonalHelpTests
{
    [Fact]
    public async Task Each_person_sees_only_their_verbs_for_each_app()
    {
        await using var bot = await TestBot.StartAsync(Team(), worker: false);

        var ana = (await bot.SendAsync(FromLine(AnaLine), "help")).Messages[0].Text;
        Assert.Contains("• `web`: deploy, rollback, cancel, lock, unlock, mute, unmute, promote, status, history, logs, alerts, stats", ana);
        Assert.Contains("`freeze [reason]`", ana);
        Assert.Contains("`audit [<app>] [n]`", ana);

        var bo = (await bot.SendAsync(FromSlack(BoSlack), "help")).Messages[0].Text;
        Assert.Contains("• `web`: status, history, logs, alerts, stats in production; deploy, rollback, cancel, lock, unlock, mute, unmute, promote, status, history, logs, alerts, stats in staging", bo);
        Assert.DoesNotContain("`freeze", bo);
        Assert.DoesNotContain("`audit", bo);
        Assert.Contains("`deploy <app>", bo);

        var dan = (await bot.SendAsync(FromSlack("U0DAN0001"), "help")).Messages[0].Text;
        Assert.Contains("• `web`: deploy, rollback, cancel, lock, unlock, mute, unmute, promote, status, history, logs, alerts, stats in staging", dan);
        Assert.DoesNotContain("production", dan);
    }

    [Fact]
    public async Task Someone_who_may_use_nothing_is_told_whom_to_ask()
    {
        await using var bot = await TestBot.StartAsync(Team(("Apps:web:Deployers:0", "ana"), ("Apps:web:Viewers:0", "ana")), worker: false);
        var text = (await bot.SendAsync(FromSlack("U0DAN0001"), "help")).Messages[0].Text;
        Assert.Contains("You may not use any app yet: ask an admin to add you to its `Viewers` or `Deployers`.", text);
        Assert.DoesNotContain("`deploy <app>", text);
        Assert.DoesNotContain("`status [<app>]", text);
        Assert.Contains("`apps`", text);
    }

    [Fact]
    public async Task An_app_handled_in_other_channels_is_left_out_of_help_here()
    {
        await using var bot = await TestBot.StartAsync(Team(("Apps:web:Channels:0", "slack:C0OTHER")), worker: false);
        var text = (await bot.SendAsync(FromSlack("U0DAN0001"), "help")).Messages[0].Text;
        Assert.DoesNotContain("• `web`", text);
    }
}
