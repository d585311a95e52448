using Bot.Commands;
using Bot.Deployments;
using Bot.Deployments.Stats;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Commands;

/// <summary><c>stats</c>: its grammar, its reply on a phone, its buttons, and lead times read from git once per deploy.</summary>
public sealed class StatsCommandTests
{
    public static TheoryData<string, Command> Typed => new()
    {
        { "stats", new StatsCommand(null, 30, null, false) },
        { "stats web", new StatsCommand("web", 30, null, false) },
        { "stats web 90d in staging", new StatsCommand("web", 90, "staging", false) },
        { "stats 7d", new StatsCommand(null, 7, null, false) },
        { "stats in staging 7days", new StatsCommand(null, 7, "staging", false) },
        { "stats web 30d in production counts", new StatsCommand("web", 30, "production", true) },
        { "dora web 30", new StatsCommand("web", 30, null, false) },
    };

    [Theory]
    [MemberData(nameof(Typed))]
    public void Parses(string text, Command expected) => Assert.Equal(expected, CommandParser.Parse(text));

    [Theory]
    [InlineData("stats web 14d", "`14d` is not a period I show. Did you mean `7d`? Periods: 7d, 30d or 90d.")]
    [InlineData("stats web 60d", "`60d` is not a period I show. Did you mean `30d`? Periods: 7d, 30d or 90d.")]
    [InlineData("stats web cuonts", "I don't understand `cuonts` in `stats`. Did you mean `counts`? Type `stats [<app>] [7d|30d|90d] [in <env>]`.")]
    [InlineData("stast web", "I don't know `stast`. Did you mean `stats`? Type `help stats` to see how.")]
    public void A_mistake_gets_the_closest_spelling(string text, string said) =>
        Assert.Equal(said, Assert.IsType<ParseError>(CommandParser.Parse(text)).Message);

    [Fact]
    public async Task A_reply_has_a_title_and_a_line_per_figure_with_a_counts_button_and_lead_times_kept_in_notes()
    {
        using var dir = new TempDir("stats");
        var repo = new GitRepo(dir["origin"]);
        repo.Commit("First", ("a.txt", "1"));
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake", ["Apps:web:Repository"] = repo.Path, ["Apps:web:DefaultBranch"] = "main",
        });
        var first = await bot.DeployAsync("deploy web");
        var brought = repo.Commit("Second", ("a.txt", "2"));
        repo.Commit("Third", ("a.txt", "3"));
        var second = await bot.DeployAsync("deploy web");
        Assert.Equal(DeploymentState.Succeeded, second.State);
        var oldest = long.Parse(repo.Git("log", "-1", "--format=%ct", brought).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var reply = Assert.Single((await bot.SendAsync("stats web")).Messages);
        var lines = reply.Text.Split('\n');
        Assert.Equal("📊 web · production · last 30 days", lines[0]);
        Assert.Equal(6, lines.Length);
        Assert.Equal("Deploys: 0.5/week ↑ better (was 0/week)", lines[1]);
        Assert.StartsWith("Lead time (median): ", lines[2]);
        Assert.Equal("Change fail rate: 0% (was –)", lines[3]);
        Assert.Equal("Recovery (median): – (was –)", lines[4]);
        Assert.Equal("Rework rate: 0% (was –)", lines[5]);
        Assert.All(lines, l => Assert.True(l.Length <= 60, l));
        // No BOT_PUBLIC_URL: no page to link to, only the counts.
        var counts = Assert.Single(reply.ActionList);
        Assert.Equal(("Counts", "stats web 30d in production counts"), (counts.Label, counts.Command));

        var countsReply = Assert.Single((await bot.SendAsync(counts.Command)).Messages);
        Assert.Contains("Lead time: 1 measured (0), 1 unknown (0), 0 with no new commit (0)", countsReply.Text);
        Assert.Contains("Deploys: 2 (0), failed ones included", countsReply.Text);
        Assert.Equal("stats web 30d in production", Assert.Single(countsReply.ActionList).Command);
        Assert.Equal(oldest.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await bot.Store.GetNoteAsync(LeadTimes.Scope, second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default));
        Assert.Null(await bot.Store.GetNoteAsync(LeadTimes.Scope, first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default));

        // With the repository and the bot's clone gone, the kept note still gives the lead time: git is not read again.
        Directory.Delete(repo.Path, recursive: true);
        Directory.Delete(Path.Combine(bot.DataDir, "repos"), recursive: true);
        Assert.Contains("Lead time: 1 measured (0)", Assert.Single((await bot.SendAsync("stats web counts")).Messages).Text);

        var entry = (await bot.Store.AuditLogAsync("web", 10, default))[0];
        Assert.Equal(("stats web counts", "ok"), (entry.Command, entry.Outcome));
    }

    [Fact]
    public async Task All_apps_read_production_and_someone_who_may_not_view_an_app_is_refused_its_stats()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake", ["Apps:api:Target"] = "fake", ["Apps:api:Viewers:0"] = "bob",
        });
        var all = Assert.Single((await bot.SendAsync("stats 7d")).Messages);
        Assert.StartsWith("📊 all apps · production · last 7 days\nDeploys: 0/week", all.Text);
        var refused = await bot.SendAsync("stats api");
        Assert.False(refused.Ok);
        Assert.Contains("stats of", refused.Messages[0].Text);
        Assert.True((await bot.SendAsync("stats api", user: "bob")).Ok);
    }
}

/// <summary>With <c>BOT_PUBLIC_URL</c>, a <c>stats</c> reply links its page: a link button on Slack, a URI quick reply on LINE, the address on the console.</summary>
public sealed class StatsLinkTests
{
    private static Task<TestBot> StartAsync(params (string Key, string Value)[] more)
    {
        var config = new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake", ["Apps:api:Target"] = "fake",
            ["BOT_PUBLIC_URL"] = "https://bot.example.com", ["LOG_LINK_SECRET"] = "test-log-link-secret-0123456789",
        };
        foreach (var (k, v) in more) config[k] = v;
        return TestBot.StartAsync(config, worker: false);
    }

    [Fact]
    public async Task The_charts_button_opens_a_signed_page_link_on_every_platform()
    {
        await using var bot = await StartAsync();
        var reply = Assert.Single((await bot.SendAsync("stats web 7d")).Messages);
        Assert.Equal(["Counts", "Charts"], reply.ActionList.Select(a => a.Label));
        var url = reply.ActionList[1].Url!;
        Assert.StartsWith("https://bot.example.com/s/7d/production/web?t=", url);
        var links = bot.Services.GetRequiredService<Bot.Security.LogLinks>();
        Assert.Equal(Bot.Security.LinkCheck.Valid, links.CheckStats("web", "production", 7, Uri.UnescapeDataString(url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..])));

        var slack = Bot.Chat.Slack.SlackBlocks.Message(reply).Single(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.Equal("stats web 7d in production counts", (string?)slack[0]!["value"]);
        // A link button carries no command: Slack's report of the tap runs nothing.
        Assert.Equal((url, null), ((string?)slack[1]!["url"], slack[1]!["value"]));

        var line = Bot.Chat.Line.LineMessages.From([reply], "web")[^1];
        var uri = line["quickReply"]!["items"]!.AsArray().Select(i => i!["action"]!).Single(a => (string?)a["type"] == "uri");
        Assert.Equal(("Charts", url), ((string?)uri["label"], (string?)uri["uri"]));
        Assert.Empty(Bot.Tests.Chat.Line.LineSchema.Check(line, Bot.Tests.Chat.Line.LineSpec.Schema("TextMessage")));

        var output = new StringWriter();
        await new Bot.Chat.Console.ConsolePlatform(output).SendAsync(new Conversation("console", "console"), reply, default);
        Assert.Contains(url, Flat.Text(output.ToString()));
    }

    [Fact]
    public async Task The_page_of_all_apps_is_offered_only_to_someone_who_may_see_every_app()
    {
        await using var bot = await StartAsync(("Apps:api:Viewers:0", "bob"), ("Apps:web:Viewers:0", "bob"), ("Apps:web:Viewers:1", "alice"));
        var alice = Assert.Single((await bot.SendAsync("stats")).Messages);
        Assert.Equal(["Counts"], alice.ActionList.Select(a => a.Label));
        var bob = Assert.Single((await bot.SendAsync("stats", user: "bob")).Messages);
        Assert.Equal(["Counts", "Charts"], bob.ActionList.Select(a => a.Label));
        Assert.StartsWith("https://bot.example.com/s/30d/production?t=", bob.ActionList[1].Url);
    }
}
