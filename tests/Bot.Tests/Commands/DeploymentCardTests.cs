using System.Text.Json.Nodes;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Deployments;

namespace Bot.Tests.Commands;

/// <summary>A live canary's card: Promote now and Roll back (with a confirm) on every platform, as commands the parser reads.</summary>
public sealed class DeploymentCardTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static Deployment Api(DeploymentState state) => new(1, "api", "production", 5, DeploymentKind.Deploy, "main", "3f2a1c9aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Orders", new Origin("slack", "C1", null, "U1", "alice"), state, Now, Now, state == DeploymentState.Running ? null : Now.AddMinutes(1),
        null, null, null, null, false);

    [Fact]
    public void A_watched_canary_offers_promote_now_and_roll_back_by_stopping_it()
    {
        var card = new DeploymentCard(Api(DeploymentState.Running), [], Now) { OpenStep = "canary" };

        Assert.True(card.CanaryLive);
        Assert.Equal(["Promote now", "Roll back", "View logs"], card.Actions.Select(a => a.Label));
        Assert.Equal(new PromoteCanaryCommand("api", "canary", "production"), CommandParser.Parse(card.Actions[0].Command));
        Assert.Equal(new CancelCommand("api", 5), CommandParser.Parse(card.Actions[1].Command));
        Assert.Equal("Send all traffic of api in production to #5 now?", card.Actions[0].Confirm);
        Assert.Contains("put all traffic of api back on the release before it", card.Actions[1].Confirm);
    }

    [Fact]
    public void A_canary_left_in_place_after_the_deploy_rolls_back_with_the_rollback_verb()
    {
        var card = new DeploymentCard(Api(DeploymentState.Succeeded), [], Now) { OpenStep = "canary" };

        Assert.Equal(new RollbackCommand("api", null, "production"), CommandParser.Parse(card.Actions[1].Command));
        Assert.Equal(new PromoteCanaryCommand("api", "canary", "production"), CommandParser.Parse(card.Actions[0].Command));
    }

    [Fact]
    public void What_the_step_said_shows_while_it_runs_and_for_a_canary_left_in_place_only()
    {
        const string note = "updating code (12s)";

        Assert.Equal(note, new DeploymentCard(Api(DeploymentState.Running), [], Now) { OpenStep = "update", StepNote = note }.LiveNote);
        Assert.Equal(note, new DeploymentCard(Api(DeploymentState.Succeeded), [], Now) { OpenStep = "canary", StepNote = note }.LiveNote);
        Assert.Null(new DeploymentCard(Api(DeploymentState.Failed), [], Now) { OpenStep = "update", StepNote = note }.LiveNote);
    }

    [Theory]
    [InlineData(DeploymentState.Running, "build")]
    [InlineData(DeploymentState.Running, null)]
    [InlineData(DeploymentState.Failed, "canary")]
    [InlineData(DeploymentState.Cancelled, "canary")]
    public void Without_a_live_canary_the_card_keeps_its_usual_actions(DeploymentState state, string? step)
    {
        var card = new DeploymentCard(Api(state), [], Now) { OpenStep = step };

        Assert.False(card.CanaryLive);
        Assert.DoesNotContain(card.Actions, a => a.Label == "Promote now");
    }

    [Fact]
    public void Slack_shows_both_buttons_with_a_confirm_dialog()
    {
        var blocks = SlackBlocks.Card(new DeploymentCard(Api(DeploymentState.Running), [], Now) { OpenStep = "canary", StepNote = "Canary: 10% on version 2, 4m 50s left; alarms quiet." });

        var buttons = blocks.OfType<JsonObject>().Single(b => (string?)b["type"] == "actions")["elements"]!.AsArray();
        Assert.Equal(["promote api canary in production", "cancel api #5", "logs api in production"], buttons.Select(b => (string?)b!["value"]));
        Assert.Equal("Promote now?", (string?)buttons[0]!["confirm"]!["title"]!["text"]);
        Assert.NotNull(buttons[1]!["confirm"]);
        Assert.EndsWith("\nCanary: 10% on version 2, 4m 50s left; alarms quiet.", (string?)blocks[0]!["text"]!["text"]);
    }

    [Fact]
    public void LINE_shows_both_buttons_as_postbacks_that_ask_first()
    {
        var flex = LineMessages.Card(new DeploymentCard(Api(DeploymentState.Running) with { Origin = new Origin("line", "U4af", null, "U4af", "alice") }, [], Now) { OpenStep = "canary" });

        var actions = flex["contents"]!["footer"]!["contents"]!.AsArray().Select(b => b!["action"]!).ToList();
        Assert.Equal(["Promote now", "Roll back", "View logs"], actions.Select(a => (string?)a["label"]));
        Assert.StartsWith($"{LineInbound.ConfirmPrefix}promote api canary in production|", (string?)actions[0]["data"]);
        Assert.StartsWith($"{LineInbound.ConfirmPrefix}cancel api #5|", (string?)actions[1]["data"]);
    }
}
