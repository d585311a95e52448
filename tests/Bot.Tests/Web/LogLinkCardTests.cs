using System.Text.Json.Nodes;
using Bot.Chat.Console;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Deployments;
using Bot.Security;
using Bot.Tests.Support;

namespace Bot.Tests.Web;

/// <summary>Every card links its Full log when the bot knows its public address, and <c>logs web #N</c> hands out a fresh link.</summary>
public sealed class LogLinkCardTests
{
    private const string Link = "https://bot.example.com/d/web/7?t=1800000000.AAAAAAAAAAAAAAAAAAAAAA";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static Deployment Web(DeploymentState state, string platform = "slack") => new(1, "web", "production", 7, DeploymentKind.Deploy, "main",
        "3f2a1c9aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Fix login", new Origin(platform, "C1", null, "U1", "alice"), state, Now, Now,
        state == DeploymentState.Running ? null : Now.AddMinutes(1), null, null, "The health step failed.", null, false);

    [Fact]
    public void Slack_LINE_and_the_console_show_the_Full_log_link()
    {
        var slack = SlackBlocks.Card(new DeploymentCard(Web(DeploymentState.Failed), [], Now) { LogUrl = Link });
        Assert.Contains($"<{Link}|Full log>", (string?)slack[0]!["text"]!["text"]);

        var line = LineMessages.Card(new DeploymentCard(Web(DeploymentState.Running, "line"), [], Now) { LogUrl = Link });
        var button = line["contents"]!["footer"]!["contents"]!.AsArray().Select(b => b!["action"]!).Single(a => (string?)a["label"] == "Full log");
        Assert.Equal(("uri", Link), ((string?)button["type"], (string?)button["uri"]));

        var output = new StringWriter();
        var console = new ConsolePlatform(output);
        console.ShowDeploymentAsync(new DeploymentCard(Web(DeploymentState.Failed, "console"), [], Now) { LogUrl = Link },
            new StoryLine(1, 9, Now, LineKind.State, "failed"), default).GetAwaiter().GetResult();
        // The console wraps at 80 columns: the link may stand on a line of its own, whole.
        Assert.Matches($@"Full log:\s+{System.Text.RegularExpressions.Regex.Escape(Link)}\n", output.ToString());
    }

    [Fact]
    public void Without_a_public_address_no_card_has_a_link()
    {
        var slack = SlackBlocks.Card(new DeploymentCard(Web(DeploymentState.Failed), [], Now));
        Assert.DoesNotContain("Full log", slack.ToJsonString());
        var line = LineMessages.Card(new DeploymentCard(Web(DeploymentState.Failed, "line"), [], Now));
        Assert.DoesNotContain("Full log", line.ToJsonString());
    }

    [Fact]
    public void Alert_cards_link_the_alert_page()
    {
        var alert = new StoredAlert(3, "generic", "web", "production", AlertSeverity.Critical, "Error rate above 5%", null, null, "k", AlertState.Firing, 2, Now, Now, null, false);
        var page = "https://bot.example.com/a/3?t=1800000000.AAAAAAAAAAAAAAAAAAAAAA";
        Assert.Contains($"<{page}|Alert page>", (string?)SlackBlocks.Alert(new AlertCard(alert, Now) { PageUrl = page })[0]!["text"]!["text"]);
        var line = LineMessages.Alert(new AlertCard(alert, Now) { PageUrl = page });
        Assert.Contains(line["contents"]!["footer"]!["contents"]!.AsArray(), b => (string?)b!["action"]!["uri"] == page);
    }

    [Theory]
    [InlineData("logs web #42")]
    [InlineData("logs web#42")]
    [InlineData("/logs web #42 in staging")]
    [InlineData("log web ＃42")]
    public void The_parser_reads_logs_of_one_deployment(string text)
    {
        var c = Assert.IsType<LogsCommand>(CommandParser.Parse(text));
        Assert.Equal(("web", 42), (c.AppName, c.Deployment));
    }

    [Fact]
    public async Task A_deploy_card_carries_a_link_the_page_accepts_and_logs_web_N_hands_out_a_fresh_one()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake", ["BOT_PUBLIC_URL"] = "https://bot.example.com", ["LOG_LINK_SECRET"] = PageHost.Secret,
        });
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.WaitFinishedAsync(started.Id);
        var links = bot.Services.GetService(typeof(LogLinks)) as LogLinks;
        var card = bot.Chat.Cards.Last().Card;
        Assert.StartsWith("https://bot.example.com/d/web/1?t=", card.LogUrl);
        Assert.Equal(LinkCheck.Valid, links!.CheckDeployment("web", 1, Uri.UnescapeDataString(card.LogUrl!.Split("?t=")[1])));

        var reply = Assert.Single((await bot.SendAsync("logs web #1")).Messages);
        Assert.Contains("Full log (the link works for 7 days): https://bot.example.com/d/web/1?t=", reply.Text);
        var missing = await bot.SendAsync("logs web #9");
        Assert.False(missing.Ok);
        Assert.Contains("web has no deployment #9", missing.Messages[0].Text);
    }

    [Fact]
    public async Task Without_a_public_address_logs_web_N_answers_with_the_last_lines()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" });
        var started = (await bot.SendAsync("deploy web")).Started!;
        await bot.WaitFinishedAsync(started.Id);
        Assert.Null(bot.Chat.Cards.Last().Card.LogUrl);
        var reply = Assert.Single((await bot.SendAsync("logs web #1")).Messages);
        Assert.Contains("BOT_PUBLIC_URL", reply.Text);
        Assert.DoesNotContain("http", reply.Text);
    }
}
