using Bot.Commands;
using Bot.Deployments;
using Bot.Tests.Support;

namespace Bot.Tests.Commands;

/// <summary>What the bot offers can be typed as offered: help's examples name real apps, a copied hint works, a rollback that changes nothing asks first.</summary>
public sealed class HintCommandTests : IDisposable
{
    private readonly TempDir _dir = new("hints");

    [Fact]
    public async Task Help_deploy_uses_the_configured_apps_in_its_examples()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:example:Target"] = "fake" });
        var help = (await bot.SendAsync("help deploy")).Messages.Single();
        Assert.Contains("`deploy example`", help.Text);
        Assert.DoesNotContain("web", help.Text);
        Assert.DoesNotContain("staging", help.Text);
        Assert.All(help.ActionList, a => Assert.StartsWith("deploy example", a.Command));
    }

    [Fact]
    public async Task A_hint_copied_with_its_backticks_runs_and_a_phones_dash_stays_in_a_lock_reason()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:example:Target"] = "fake" });
        Assert.True((await bot.SendAsync("`status example`")).Ok);
        Assert.Equal(new LockCommand("web", "production", "db work — back at 5"), CommandParser.Parse("lock web production db work — back at 5"));
    }

    [Fact]
    public async Task Rollback_to_a_release_of_the_live_commit_says_so_and_asks_first()
    {
        var app = new ShellApp(_dir);
        await using var bot = await TestBot.StartAsync(app.Config());
        var first = await bot.DeployAsync("deploy web v1");
        var second = await bot.DeployAsync("deploy web v1");
        Assert.Equal((DeploymentState.Succeeded, DeploymentState.Succeeded), (first.State, second.State));

        var asked = await bot.SendAsync("rollback web");
        Assert.Null(asked.Started);
        var question = asked.Messages.Single();
        Assert.Contains($"(#2) has the same commit ({app.V1[..7]}) as release {first.Release}, so rolling back changes no code. Roll back anyway?", question.Text);
        var yes = question.ActionList.First().Command;
        Assert.Equal($"rollback web {first.Release} in production --yes", yes);

        var done = await bot.DeployAsync(yes);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal(first.Release, ShellApp.Live(bot));
    }

    public void Dispose() => _dir.Dispose();
}
