using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>The two-person rule from Slack: the card's Approve button, tapped by a second person, runs the deploy.</summary>
public sealed class SlackApprovalTests : IAsyncLifetime
{
    private readonly FakeSlackApi _slack = new();
    private readonly WatchedTime _time = new(DateTimeOffset.UtcNow);
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
            ["Apps:example:RequireApproval"] = "true",
            ["Apps:example:Approvers"] = "slack:U0BOB,slack:U0ALICE",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.AddSingleton<TimeProvider>(_time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        });
        _slack.AddUser("U0ALICE", "alice", "Alice Doe");
        _slack.AddUser("U0BOB", "bob", "Bob Roe");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SettleAsync()
    {
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<SlackPlatform>().SettleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private static string CardText(JsonNode args) => string.Join("\n", args["blocks"]!.AsArray().Select(b =>
        (string?)b!["type"] == "context" ? (string?)b["elements"]![0]!["text"] : (string?)b["text"]?["text"]).Where(t => t is not null));

    private static JsonArray Buttons(JsonNode args) =>
        args["blocks"]!.AsArray().LastOrDefault(b => (string?)b!["type"] == "actions")?["elements"]!.AsArray() ?? [];

    /// <summary>The card as last drawn: its first post, or its last edit, after the edit slots due have passed.</summary>
    private async Task<JsonNode> CardAsync(Func<string, bool> until)
    {
        for (var i = 0; i < 10; i++)
        {
            await SettleAsync();
            var card = _slack.CallsTo("chat.update").Select(c => c.Args).LastOrDefault()
                       ?? _slack.CallsTo("chat.postMessage").First(c => c.Args["thread_ts"] is null).Args;
            if (until(CardText(card))) return card;
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException("the card never showed what was expected");
    }

    [Fact]
    public async Task A_second_person_taps_Approve_behind_a_confirm_dialog_and_the_card_then_says_who_approved_with_no_buttons_to_tap_again()
    {
        var ack = await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example main"));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Contains("waits for approval", (string?)JsonNode.Parse(await ack.Content.ReadAsStringAsync())!["text"]);

        var waiting = await CardAsync(t => t.Contains("awaiting approval"));
        Assert.Contains("⏸ example #1 → production: awaiting approval", CardText(waiting));
        Assert.Contains("Waiting for approval from slack:U0BOB, slack:U0ALICE: 0 of 1", CardText(waiting));
        var buttons = Buttons(waiting);
        Assert.Equal(["approve example #1", "reject example #1", "cancel example #1"], buttons.Select(b => (string?)b!["value"]));
        var confirm = buttons[0]!["confirm"]!;
        Assert.Equal("Approve", (string?)confirm["confirm"]!["text"]);
        Assert.Contains("Approve deploy #1 of example", (string?)confirm["text"]!["text"]);
        Assert.Equal("plain_text", (string?)confirm["deny"]!["type"]);
        Assert.Empty(_target.Deploys);

        // Alice taps it herself: refused, nothing recorded.
        await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("approve example #1", actionTs: "1700000010.000001"));
        await SettleAsync();
        Assert.Contains("You asked for #1 yourself", (string?)_slack.ResponsePosts.Last().Body["text"]);
        Assert.Empty((await _host.Get<IDeploymentStore>().ApprovalAsync(1, default))!.Votes);

        // Bob taps Approve (Slack showed the confirm dialog; the payload arrives once he confirmed).
        var tap = await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("approve example #1", user: "U0BOB", actionTs: "1700000011.000002"));
        Assert.Equal(HttpStatusCode.OK, tap.StatusCode);
        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        var final = await CardAsync(t => t.Contains(": live"));
        Assert.Contains(_slack.ResponsePosts, p => ((string?)p.Body["text"])!.Contains("Approved deploy #1 of example"));
        Assert.Contains("approved by u0bob", CardText(final));
        Assert.DoesNotContain(Buttons(final), b => ((string?)b!["value"])!.StartsWith("approve", StringComparison.Ordinal));
        Assert.DoesNotContain(Buttons(final), b => ((string?)b!["value"])!.StartsWith("reject", StringComparison.Ordinal));
        Assert.Single(_slack.CallsTo("chat.postMessage"), c => c.Args["thread_ts"] is null);

        // A stale tap (a second device) finds nothing to approve and says why.
        await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("approve example #1", user: "U0BOB", actionTs: "1700000012.000003"));
        await SettleAsync();
        Assert.Contains("no longer waits for approval", (string?)_slack.ResponsePosts.Last().Body["text"]);
        var audit = await _host.Get<IDeploymentStore>().AuditLogAsync(null, 10, default);
        Assert.Contains(audit, a => a is { Platform: "slack", UserId: "U0BOB", Command: "approve example #1" } && a.Result.StartsWith("ok:", StringComparison.Ordinal));
        Assert.Contains(audit, a => a is { UserId: "U0ALICE", Command: "approve example #1" } && a.Result.StartsWith("refused:", StringComparison.Ordinal));
        _slack.AssertNoViolations();
    }
}
