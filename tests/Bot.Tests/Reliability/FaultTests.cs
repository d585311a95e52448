using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat.Slack;
using Bot.Tests.Chat.Slack;
using Polly.CircuitBreaker;

namespace Bot.Tests.Reliability;

/// <summary>
/// Slack and LINE failing the way real services fail — server errors, rate limits with Retry-After, answers that
/// never come, connections reset, answers cut off half-way, and long outages — while people deploy. Attempts are
/// retried after growing waits on the test's clock, the circuit opens when a platform keeps failing so the bot stops
/// calling it, the conversation still gets the deployment's final state once the platform is back, and every
/// deployment asked for runs exactly once.
/// </summary>
public sealed partial class FaultTests : IAsyncLifetime
{
    private static readonly TimeSpan[] RetryWaits = FaultRig.RetryWaits;

    /// <summary>How long the platforms wait before sending a final state again that could not be delivered.</summary>
    private static readonly TimeSpan FirstRedelivery = TimeSpan.FromSeconds(2);

    private FaultRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FaultRig.StartAsync("example", "api", "worker");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private static List<TimeSpan> Gaps(IEnumerable<DateTimeOffset> times)
    {
        var list = times.ToList();
        return list.Zip(list.Skip(1), (a, b) => b - a).ToList();
    }

    private async Task<string> SlashDeployAsync(string app = "example")
    {
        var response = await _rig.Host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", app));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"] ?? "";
    }

    /// <summary>Cards are top-level posts; output goes to their threads.</summary>
    private List<FakeSlackCall> CardPosts() => _rig.Slack.CallsTo("chat.postMessage").Where(c => c.Args["thread_ts"] is null).ToList();

    /// <summary>The card's text as Slack now shows it (after every edit), found through the message id the bot keeps.</summary>
    private async Task<string> CardAsync(string app = "example", int number = 1)
    {
        var d = await _rig.Store.FindAsync(app, number, default);
        if (d is null || await _rig.Store.GetNoteAsync("slack-card", d.Id.ToString(CultureInfo.InvariantCulture), default) is not { } note) return "(no card)";
        var at = note.Split(' ');
        return (string?)_rig.Slack.MessageAt(at[0], at[1])?["text"] ?? "(no message)";
    }

    [Fact]
    public async Task Slack_server_errors_and_rate_limits_are_retried_after_growing_waits_and_the_card_ends_live()
    {
        _rig.Slack.FailNext("chat.postMessage", SlackFault.ServerError(503), times: 2);
        _rig.Slack.FailNext("chat.update", SlackFault.RateLimited(retryAfterSeconds: 3));

        Assert.StartsWith("Queued deploy #1 of example", await SlashDeployAsync());
        await _rig.FinishedAsync(1);
        // The card's post: 503, 2 s, 503, 4 s, posted. Its final edit at once (the deploy ended meanwhile, and a card posted
        // only now has no slot to wait for): 429, Retry-After 3 s, edited.
        await _rig.PassAsync(RetryWaits[0]);
        await _rig.PassAsync(RetryWaits[1]);
        await _rig.PassAsync(TimeSpan.FromSeconds(3));
        await _rig.SettleAsync();

        Assert.Equal(RetryWaits[..2], Gaps(CardPosts().Select(c => c.At)));
        Assert.Equal([TimeSpan.FromSeconds(3)], Gaps(_rig.Slack.CallsTo("chat.update").Select(c => c.At)));
        Assert.Equal("✅ example #1 → production: live", await CardAsync());
        await _rig.AssertEachDeploymentRanOnceAsync(1);
        _rig.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task A_Slack_that_stops_answering_is_given_up_on_by_the_time_limits_and_the_final_card_is_sent_again()
    {
        _rig.Network.FailNext("chat.update", NetFault.Hang, times: 3);

        // A quick deploy: its final state is edited in at once (no edit slot to wait for), and that edit hangs.
        await SlashDeployAsync();
        await _rig.FinishedAsync(1);
        // Each attempt gets 10 s, with 2 s and 4 s between them; the whole call gets 30 s.
        await _rig.Network.NextAttemptAsync("chat.update");
        _rig.Time.Advance(FaultRig.AttemptTimeout);
        await _rig.PassAsync(RetryWaits[0]);
        await _rig.Network.NextAttemptAsync("chat.update");
        _rig.Time.Advance(FaultRig.AttemptTimeout);
        await _rig.PassAsync(RetryWaits[1]);
        await _rig.Network.NextAttemptAsync("chat.update");
        // 26 s into the call, 4 s more end it; the card waits its own pause and sends the edit again.
        _rig.Time.Advance(TimeSpan.FromSeconds(4));
        await _rig.PassAsync(FirstRedelivery);
        await _rig.SettleAsync();

        var attempts = _rig.Network.AttemptsTo("chat.update");
        Assert.Equal([TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(6)], Gaps(attempts.Select(a => a.At)));
        Assert.Equal([NetFault.Hang, NetFault.Hang, NetFault.Hang, null], attempts.Select(a => a.Fault));
        Assert.Equal("✅ example #1 → production: live", await CardAsync());
        await _rig.AssertEachDeploymentRanOnceAsync(1);
    }

    [Fact]
    public async Task A_reset_connection_and_an_answer_cut_off_half_way_still_end_with_one_live_card()
    {
        _rig.Network.FailNext("chat.postMessage", NetFault.Drop);
        _rig.Network.FailNext("chat.update", NetFault.CutAnswer);

        await SlashDeployAsync();
        await _rig.FinishedAsync(1);
        await _rig.PassAsync(RetryWaits[0]);
        // Posted at last; the deploy has ended meanwhile, so its final state is edited in at once (no slot to wait for).
        await _rig.SettleAsync();
        // The edit got through but its answer broke off: the bot cannot know, so it sends the same edit again.
        await _rig.PassAsync(FirstRedelivery);
        await _rig.SettleAsync();

        Assert.Equal([NetFault.Drop, null], _rig.Network.AttemptsTo("chat.postMessage").Take(2).Select(a => a.Fault));
        Assert.Single(CardPosts());
        var edits = _rig.Slack.CallsTo("chat.update").Select(c => (string?)c.Args["text"]).ToList();
        Assert.Equal(["✅ example #1 → production: live", "✅ example #1 → production: live"], edits);
        Assert.Equal("✅ example #1 → production: live", await CardAsync());
        await _rig.AssertEachDeploymentRanOnceAsync(1);
        _rig.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task When_Slack_keeps_failing_the_circuit_opens_deploys_still_run_and_their_cards_arrive_once_it_is_back()
    {
        // A quiet minute, so that the breaker's 30 s window holds only what follows (not auth.test at start).
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        var before = _rig.Network.AttemptsOn(_rig.SlackHost).Count;
        _rig.Network.Down(_rig.SlackHost, NetFault.ServerError);
        var api = _rig.Host.Get<SlackApi>();
        var calls = new[] { "one", "two" }.Select(text => api.PostMessageAsync(new SlackOutgoing("C0DEPLOY", text), default)).ToList();
        foreach (var wait in RetryWaits)
        {
            // Both calls wait before their next attempt.
            await _rig.Time.TimerAsync(wait, wait);
            await _rig.PassAsync(wait);
        }
        // Eight failed attempts in 14 s: the circuit opens.
        foreach (var call in calls)
            Assert.Equal("http_500", (await Assert.ThrowsAsync<SlackApiException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)))).Error);
        Assert.Equal(before + 8, _rig.Network.AttemptsOn(_rig.SlackHost).Count);

        // Open: a call fails at once, without a request. Deploys asked for meanwhile still run, and their cards wait.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => api.PostMessageAsync(new SlackOutgoing("C0DEPLOY", "three"), default).WaitAsync(TimeSpan.FromSeconds(10)));
        string[] apps = ["example", "api", "worker"];
        foreach (var app in apps)
        {
            Assert.StartsWith($"Queued deploy #1 of {app}", await SlashDeployAsync(app));
            await _rig.FinishedAsync(1, app);
        }
        await _rig.SettleAsync();
        Assert.Equal(before + 8, _rig.Network.AttemptsOn(_rig.SlackHost).Count);

        // Slack is back: after their pauses, the cards go out (the first as the breaker's trial call).
        _rig.Network.Up(_rig.SlackHost);
        async Task<bool> AllLiveAsync() => (await Task.WhenAll(apps.Select(a => CardAsync(a)))).All(c => c.EndsWith("live", StringComparison.Ordinal));
        for (var round = 0; round < 5 && !await AllLiveAsync(); round++)
        {
            _rig.Time.Advance(TimeSpan.FromMinutes(1));
            await _rig.SettleAsync();
        }

        foreach (var app in apps) Assert.Equal($"✅ {app} #1 → production: live", await CardAsync(app));
        Assert.Equal(3, CardPosts().Count);
        await _rig.AssertEachDeploymentRanOnceAsync(3);
        _rig.Slack.AssertNoViolations();
    }
}
