using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>The bot as served, talking to the spec-checking fake of Slack's Web API, on a clock the test moves.</summary>
public sealed class SlackFlowTests : IAsyncLifetime
{
    private readonly WatchedTime _time = new(DateTimeOffset.UtcNow);
    private readonly FakeSlackApi _slack;
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;

    /// <summary>Slack's fake notes the time of each call on the test's clock.</summary>
    public SlackFlowTests() => _slack = new FakeSlackApi(_time);

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.AddSingleton<TimeProvider>(_time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        });
        _slack.AddUser("U0ALICE", "alice", "Alice Doe");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SlackPlatform Platform => _host.Get<SlackPlatform>();

    /// <summary>Lets the notifier and the platform finish what they were given.</summary>
    private async Task SettleAsync()
    {
        await _host.Get<DeploymentCards>().IdleAsync();
        await Platform.SettleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    /// <summary>The words of a message's sections and context lines.</summary>
    private static string CardText(JsonNode args) => string.Join("\n", args["blocks"]!.AsArray().Select(b =>
        (string?)b!["type"] == "context" ? (string?)b["elements"]![0]!["text"] : (string?)b["text"]?["text"]).Where(t => t is not null));

    /// <summary>The next one-second timer: the card's update slot (other code makes timers of its own).</summary>
    private async Task NextUpdateSlotAsync()
    {
        while (await _time.NextTimerAsync() != TimeSpan.FromSeconds(1)) { }
    }

    [Fact]
    public async Task Display_names_are_looked_up_off_the_answering_path_and_a_failed_lookup_is_not_repeated()
    {
        var first = await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/ops", "status"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await SettleAsync();
        Assert.Single(_slack.CallsTo("users.info"));

        // Known now: the next card names Alice as Slack shows her, and Slack is not asked again.
        await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example main"));
        await SettleAsync();
        Assert.Contains("Alice Doe", CardText(Assert.Single(_slack.CallsTo("chat.postMessage"), c => c.Args["thread_ts"] is null).Args));
        Assert.Single(_slack.CallsTo("users.info"));

        // Someone Slack does not answer for (no users:read, or not found): asked once, not on every command.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/ops", "status", user: "U0BOB"))).StatusCode);
            await SettleAsync();
        }
        Assert.Single(_slack.CallsTo("users.info"), c => (string?)c.Args["user"] == "U0BOB");
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_slash_deploy_gets_one_card_that_goes_queued_running_succeeded_with_coalesced_updates()
    {
        _target.Hold = new TaskCompletionSource();
        var body = SlackPayloads.SlashCommand("/deploy", "example main", trigger: "trigger-1");

        var ack = await _host.PostSlackAsync("/slack/commands", body);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var answer = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", (string?)answer["response_type"]);
        Assert.StartsWith("Queued deploy #1 of example main to production", (string?)answer["text"]);

        await _target.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await SettleAsync();
        var card = Assert.Single(_slack.CallsTo("chat.postMessage")).Args;
        Assert.Equal("C0DEPLOY", (string?)card["channel"]);
        Assert.Contains("🕒 example #1 → production: queued", CardText(card));
        // The first command of a person is answered with the request's own name; the display name is looked up meanwhile.
        Assert.Contains("u0alice", CardText(card));
        Assert.Empty(_slack.CallsTo("chat.update"));

        // Running and two output lines within the same second: one update when the second is up.
        await NextUpdateSlotAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await SettleAsync();
        var running = Assert.Single(_slack.CallsTo("chat.update")).Args;
        Assert.Contains("⏳ example #1 → production: deploying", CardText(running));
        Assert.Equal("cancel example #1", (string?)running["blocks"]!.AsArray().Last()!["elements"]![0]!["value"]);
        var thread = _slack.CallsTo("chat.postMessage").Last().Args;
        Assert.Equal((string?)Assert.Single(_slack.CallsTo("chat.postMessage"), c => c.Args["thread_ts"] is null).Args["channel"], (string?)thread["channel"]);
        Assert.Contains("building\ndone", CardText(thread));

        _target.Hold.SetResult();
        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        await SettleAsync();
        Assert.Single(_slack.CallsTo("chat.update"));
        await NextUpdateSlotAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await SettleAsync();

        var final = _slack.CallsTo("chat.update").Last().Args;
        Assert.Equal(2, _slack.CallsTo("chat.update").Count);
        Assert.Contains("✅ example #1 → production: live", CardText(final));
        Assert.Contains("<https://r1.example.test|Open example>", CardText(final));
        var buttons = final["blocks"]!.AsArray().Last()!["elements"]!.AsArray().Select(b => (string?)b!["value"]).ToList();
        Assert.Equal(["logs example in production", "rollback example in production"], buttons);
        Assert.NotNull(final["blocks"]!.AsArray().Last()!["elements"]![1]!["confirm"]);

        var replay = await _host.PostSlackAsync("/slack/commands", body, headers: new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1" });
        Assert.Equal("", await replay.Content.ReadAsStringAsync());
        Assert.Single(await _host.Get<IDeploymentStore>().ListAsync("example", null, 10, false, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.PostSlackAsync("/slack/commands", body, signature: "v0=" + new string('1', 64))).StatusCode);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_burst_of_output_makes_at_most_one_card_update_per_second_and_the_final_state_always_arrives()
    {
        _target.Output.Clear();
        _target.Output.AddRange(Enumerable.Range(1, 300).Select(i => $"step {i}"));
        await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example"));
        await _host.WaitFinishedAsync(1);
        await SettleAsync();
        for (var second = 0; second < 5; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await SettleAsync();
        }
        var updates = _slack.CallsTo("chat.update");
        Assert.Single(updates);
        Assert.Contains("live", CardText(updates[0].Args));
        var threadPosts = _slack.CallsTo("chat.postMessage").Where(c => c.Args["thread_ts"] is not null).ToList();
        var batch = CardText(Assert.Single(threadPosts).Args);
        Assert.Contains("… 285 earlier lines not shown here.", batch);
        Assert.Contains("step 300", batch);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_quick_deploy_card_says_live_without_waiting_for_an_edit_slot()
    {
        await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example"));
        await _host.WaitFinishedAsync(1);
        await SettleAsync();

        // No time has passed on the test's clock: the card was posted and edited to its final state at once, and only once.
        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.Contains("✅ example #1 → production: live", CardText(update.Args));
        Assert.All(CardSends(), at => Assert.Equal(_time.GetUtcNow(), at));
        Assert.Equal(2, CardSends().Count);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_card_edited_a_moment_ago_keeps_its_final_state_for_the_next_slot()
    {
        _target.Hold = new TaskCompletionSource();
        await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example"));
        await _target.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await SettleAsync();
        await NextUpdateSlotAsync();
        _time.Advance(SlackLiveMessages.UpdateInterval);
        await SettleAsync();
        Assert.Single(_slack.CallsTo("chat.update"));

        // Posted, then edited a second later: a final state now would be a third send within one interval. It waits.
        _target.Hold.SetResult();
        await _host.WaitFinishedAsync(1);
        await SettleAsync();
        Assert.Single(_slack.CallsTo("chat.update"));
        await NextUpdateSlotAsync();
        _time.Advance(SlackLiveMessages.UpdateInterval);
        await SettleAsync();

        Assert.Contains("✅ example #1 → production: live", CardText(_slack.CallsTo("chat.update")[^1].Args));
        var sends = CardSends();
        Assert.All(sends.Zip(sends.Skip(1)), pair => Assert.True(pair.Second - pair.First >= SlackLiveMessages.UpdateInterval, $"{pair.First:O} → {pair.Second:O}"));
    }

    /// <summary>When the card was posted and each time it was edited.</summary>
    private List<DateTimeOffset> CardSends() =>
        [.. _slack.CallsTo("chat.postMessage").Where(c => c.Args["thread_ts"] is null).Select(c => c.At), .. _slack.CallsTo("chat.update").Select(c => c.At)];

    [Fact]
    public async Task A_retried_status_is_answered_once_and_audited_once()
    {
        var body = SlackPayloads.SlashCommand("/ops", "status example", trigger: "trigger-status");
        var first = await _host.PostSlackAsync("/slack/commands", body);
        Assert.Contains("example", await first.Content.ReadAsStringAsync());
        for (var retry = 1; retry <= 2; retry++)
        {
            var again = await _host.PostSlackAsync("/slack/commands", body, headers: new Dictionary<string, string> { ["X-Slack-Retry-Num"] = $"{retry}" });
            Assert.Equal((HttpStatusCode.OK, ""), (again.StatusCode, await again.Content.ReadAsStringAsync()));
        }
        Assert.Single(await _host.Get<IDeploymentStore>().AuditLogAsync("example", 10, default));
    }

    [Fact]
    public async Task Buttons_answer_through_the_response_url_and_mentions_in_the_thread()
    {
        await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("status example"));
        await _host.PostSlackAsync("/slack/events", SlackPayloads.AppMention("<@U0BOT00001> help deploy", "Ev1").ToJsonString(), "application/json");
        await SettleAsync();

        var response = Assert.Single(_slack.ResponsePosts);
        Assert.Equal("ephemeral", (string?)response.Body["response_type"]);
        Assert.Contains("example · production", (string?)response.Body["text"]);
        var reply = Assert.Single(_slack.CallsTo("chat.postMessage")).Args;
        Assert.Equal("1700000000.000100", (string?)reply["thread_ts"]);
        Assert.Contains("deploy <app>", (string?)reply["text"]);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task The_bot_never_answers_its_own_messages()
    {
        await _host.Get<SlackStartup>().StartAsync(default);
        var own = SlackPayloads.AppMention("deploy example", "Ev2", user: _slack.BotUserId);
        await _host.PostSlackAsync("/slack/events", own.ToJsonString(), "application/json");
        await SettleAsync();
        Assert.Empty(await _host.Get<IDeploymentStore>().AuditLogAsync(null, 10, default));
    }

    [Fact]
    public async Task When_the_bot_is_not_in_the_channel_it_says_how_to_invite_it_and_keeps_the_card_in_a_direct_message()
    {
        _slack.FailNext("chat.postMessage", SlackFault.Refuse("not_in_channel"));
        await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example", channel: "C0PRIVATE"));
        await _host.WaitFinishedAsync(1);
        await SettleAsync();
        var posts = _slack.CallsTo("chat.postMessage").Select(c => c.Args).ToList();
        Assert.Contains(posts, p => (string?)p["channel"] == "U0ALICE" && CardText(p).Contains("/invite @Deploybot"));
        Assert.Contains(posts, p => (string?)p["channel"] == "U0ALICE" && CardText(p).Contains("example #1"));
    }

    [Fact]
    public async Task Long_logs_show_the_last_lines_and_come_as_a_file()
    {
        var answer = JsonNode.Parse(await (await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/ops", "logs example 200"))).Content.ReadAsStringAsync())!;
        await SettleAsync();
        var text = CardText(answer);
        Assert.Contains("line 200", text);
        Assert.DoesNotContain("line 185\n", text);
        Assert.Contains("Showing the last 15 of 200 lines.", text);
        var upload = Assert.Single(_slack.Uploads);
        Assert.Equal(200, System.Text.Encoding.UTF8.GetString(upload.Bytes).TrimEnd('\n').Split('\n').Length);
        _slack.AssertNoViolations();
    }
}
