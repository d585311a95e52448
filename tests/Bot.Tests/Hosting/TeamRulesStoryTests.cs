using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Reliability;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

/// <summary>
/// The two-person rule as one team lives it, on one bot that speaks Slack and LINE: ana deploys to an environment that
/// needs approval, cannot approve her own from either platform, mallory is refused with the key to change, bob approves
/// from the card's button, and <c>bot audit --since 1d --json</c>, run as a real process on the same store, tells all of it.
/// </summary>
public sealed class TeamRulesStoryTests : IAsyncLifetime
{
    private const string AnaOnLine = "U0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a";
    private readonly PlatformFakes _fakes = new();
    private BotWebHost _host = null!;

    private static readonly Dictionary<string, string?> Team = new()
    {
        ["People:ana:0"] = "slack:U0ANA",
        ["People:ana:1"] = $"line:{AnaOnLine}",
        ["People:bob:0"] = "slack:U0BOB",
        ["Apps:example:Target"] = "fake",
        ["Apps:example:Deployers:0"] = "ana",
        ["Apps:example:Approvers:0"] = "ana",
        ["Apps:example:Approvers:1"] = "bob",
        ["Apps:example:RequireApproval"] = "true",
        ["RateLimit"] = "off",
    };

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(_fakes.Settings(Team), _fakes.Replace);
        _fakes.Slack.AddUser("U0ANA", "ana", "Ana Lima");
        _fakes.Slack.AddUser("U0BOB", "bob", "Bob Roe");
        _fakes.Slack.AddUser("U0MAL", "mallory", "Mallory");
        _fakes.Line.AddProfile(AnaOnLine, "Ana");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>The webhook's work, the cards and the pushes are done (a deploy awaiting approval stays active, so this does not wait for it).</summary>
    private async Task SettleAsync()
    {
        var patience = TimeSpan.FromSeconds(30);
        await _host.Get<BackgroundWork>().IdleAsync().WaitAsync(patience);
        await _host.Get<DeploymentCards>().IdleAsync().WaitAsync(patience);
        await _host.Get<SlackPlatform>().SettleAsync().WaitAsync(patience);
        await _host.Get<BackgroundWork>().IdleAsync().WaitAsync(patience);
    }

    private async Task<string> SlashAsync(string user, string text, string command = "/deploy")
    {
        var ack = await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand(command, text, user: user));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        await SettleAsync();
        return (string?)JsonNode.Parse(await ack.Content.ReadAsStringAsync())!["text"] ?? "";
    }

    private async Task<string> TapAsync(string user, string value, string actionTs)
    {
        var tap = await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction(value, user: user, actionTs: actionTs));
        Assert.Equal(HttpStatusCode.OK, tap.StatusCode);
        await SettleAsync();
        return (string?)_fakes.Slack.ResponsePosts.Last().Body["text"] ?? "";
    }

    private async Task<string> LineAsync(string user, string text, string eventId)
    {
        var posted = await _host.PostLineAsync(LinePayloads.Body(LinePayloads.Text(text, eventId, replyToken: "t-" + eventId[^3..], source: LinePayloads.Source(user: user))));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        await SettleAsync();
        return (string?)_fakes.Line.Replies.Last().Messages![0]!["text"] ?? "";
    }

    private async Task<DeploymentState> StateOfAsync(int number) =>
        (await _host.Get<IDeploymentStore>().FindAsync("example", number, default))!.State;

    /// <summary>The approve button on the newest Slack card showing deploy <paramref name="number"/>.</summary>
    private string ApproveButton(int number)
    {
        var cards = _fakes.Slack.CallsTo("chat.update").Concat(_fakes.Slack.CallsTo("chat.postMessage")).Select(c => c.Args["blocks"]).OfType<JsonArray>();
        var values = cards.SelectMany(b => b.Where(x => (string?)x!["type"] == "actions").SelectMany(x => x!["elements"]!.AsArray()))
            .Select(e => (string?)e!["value"]).OfType<string>();
        return Assert.Single(values.Distinct(), v => v == $"approve example #{number}");
    }

    [Fact]
    public async Task A_deploy_waits_for_a_second_person_who_approves_from_a_button_and_the_audit_export_tells_it_all()
    {
        // ana asks on Slack: it waits, with its lock held, and the card offers Approve.
        Assert.Contains("waits for approval", await SlashAsync("U0ANA", "example main"));
        Assert.Equal(DeploymentState.AwaitingApproval, await StateOfAsync(1));
        var approve = ApproveButton(1);

        // ana's own tap is refused; so is her approval typed on LINE, where her People entry makes her the same person.
        Assert.Contains("You asked for #1 yourself", await TapAsync("U0ANA", approve, "1700000010.000001"));
        Assert.Contains("You asked for #1 yourself", await LineAsync(AnaOnLine, "approve example #1", "01JB0000000000000000000201"));

        // mallory is no deployer: the refusal names the key to change and who can help.
        var refusal = await SlashAsync("U0MAL", "example main");
        Assert.Contains("Only `Apps:example:Deployers` may deploy example to production; ask one of them: ana.", refusal);
        Assert.Equal(DeploymentState.AwaitingApproval, await StateOfAsync(1));
        Assert.Empty(_fakes.Target.Deploys);

        // bob taps the button (after Slack's confirm dialog) and it runs.
        Assert.Contains("Approved deploy #1 of example", await TapAsync("U0BOB", approve, "1700000011.000002"));
        Assert.Equal(DeploymentState.Succeeded, (await _host.WaitFinishedAsync(1)).State);
        Assert.Single(_fakes.Target.Deploys);

        // ana deploys again from LINE: the same rule, the same person.
        Assert.Contains("waits for approval", await LineAsync(AnaOnLine, "deploy example main", "01JB0000000000000000000202"));
        // Its card is on LINE; on Slack, ana and bob type it.
        Assert.Contains("You asked for #2 yourself", await SlashAsync("U0ANA", "approve example #2", "/ops"));
        Assert.Contains("Approved deploy #2 of example", await SlashAsync("U0BOB", "approve #2", "/ops"));
        Assert.Equal(DeploymentState.Succeeded, (await _host.WaitFinishedAsync(2)).State);
        _fakes.Slack.AssertNoViolations();
        _fakes.Line.AssertNoViolations();

        // The export, from a real bot process on the same store.
        var env = Team.ToDictionary(p => p.Key.Replace(":", "__"), p => p.Value);
        env["DATA_DIR"] = _host.DataDir;
        var (code, stdout, stderr) = await BotProcess.RunAsync(env, _host.DataDir, "audit", "--since", "1d", "--json");
        Assert.True(code == 0, stderr);
        var rows = JsonDocument.Parse(stdout).RootElement.EnumerateArray()
            .Select(r => (Person: Text(r, "person"), Identity: Text(r, "identity"), Command: Text(r, "command"), Outcome: Text(r, "outcome"), Result: Text(r, "result")))
            .ToList();
        Assert.Equal(
        [
            ("ana", "slack:U0ANA", "deploy example main", "ok"),
            ("ana", "slack:U0ANA", "approve example #1", "refused"),
            ("ana", $"line:{AnaOnLine}", "approve example #1", "refused"),
            ("", "slack:U0MAL", "deploy example main", "refused"),
            ("bob", "slack:U0BOB", "approve example #1", "ok"),
            ("ana", $"line:{AnaOnLine}", "deploy example main", "ok"),
            ("ana", "slack:U0ANA", "approve example #2", "refused"),
            ("bob", "slack:U0BOB", "approve #2", "ok"),
        ], rows.Select(r => (r.Person, r.Identity, r.Command, r.Outcome)));
        Assert.Contains("Apps:example:Deployers", rows[3].Result);
        Assert.Contains("yourself", rows[2].Result);
    }

    private static string Text(JsonElement row, string name) =>
        row.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : row.GetProperty(name).GetString()!;
}
