using System.Net.WebSockets;
using Bot.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Chat.Slack;

public sealed class SlackSocketModeTests
{
    // Shapes follow Slack's Socket Mode docs; payload fields follow shared/specs/slack/java-slack-sdk-samples.
    private const string Hello = """{"type":"hello","num_connections":1,"debug_info":{"host":"applink-7fc4fdbb64-4x5xq","build_number":10,"approximate_connection_time":18060},"connection_info":{"app_id":"A0APP"}}""";
    private const string Refresh = """{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"applink-7fc4fdbb64-4x5xq"}}""";
    private const string Mention = """{"token":"t0k3n","team_id":"T0TEAM","api_app_id":"A0APP","type":"event_callback","event_id":"Ev0MENTION","event_time":1700000000,"authorizations":[{"team_id":"T0TEAM","user_id":"U0BOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event":{"type":"app_mention","user":"U0ALICE","text":"<@U0BOT> deploy web","ts":"1700000000.000100","channel":"C0CHAN","event_ts":"1700000000.000100"}}""";
    private const string Click = """{"type":"block_actions","user":{"id":"U0ALICE","username":"alice","team_id":"T0TEAM"},"api_app_id":"A0APP","token":"t0k3n","trigger_id":"1.2.def","team":{"id":"T0TEAM","domain":"acme"},"channel":{"id":"C0CHAN","name":"deploys"},"response_url":"https://hooks.slack.com/actions/T0TEAM/1/def","actions":[{"type":"button","action_id":"cancel","block_id":"b1","value":"web#12","action_ts":"1700000000.1"}]}""";

    private static string Command(string text) =>
        $$"""{"token":"t0k3n","api_app_id":"A0APP","team_id":"T0TEAM","team_domain":"acme","enterprise_id":"","enterprise_name":"","channel_id":"C0CHAN","channel_name":"deploys","user_id":"U0ALICE","user_name":"alice","command":"/deploy","text":"{{text}}","response_url":"https://hooks.slack.com/commands/T0TEAM/1/abc","trigger_id":"1.2.abc","is_enterprise_install":false}""";

    private static string Envelope(string id, string type, string payload, bool accepts) =>
        $$"""{"envelope_id":"{{id}}","type":"{{type}}","payload":{{payload}},"accepts_response_payload":{{(accepts ? "true" : "false")}},"retry_attempt":0,"retry_reason":""}""";

    private static async Task ExpectBareAckAsync(SlackSocketServer.Link link, string id) =>
        Assert.Equal($$"""{"envelope_id":"{{id}}"}""", (await link.ReceiveAsync()).ToJsonString());

    /// <summary>Says hello and has one slash command answered: the bot is connected and reading on this link.</summary>
    private static async Task ConverseAsync(SlackSocketServer.Link link, string id)
    {
        await link.SendAsync(Hello);
        await link.SendAsync(Envelope(id, "slash_commands", Command(id), accepts: true));
        var ack = await link.ReceiveAsync();
        Assert.Equal(id, ack["envelope_id"]?.GetValue<string>());
        Assert.Equal($"on it: {id}", ack["payload"]?["text"]?.GetValue<string>());
    }

    [Fact]
    public async Task Acks_every_envelope_once_with_the_answer_when_slack_takes_one()
    {
        await using var rig = await SocketModeRig.StartAsync();
        var link = await rig.Server.NextAsync();
        await link.SendAsync(Hello);

        await link.SendAsync(Envelope("e-command", "slash_commands", Command("web to production"), accepts: true));
        var ack = await link.ReceiveAsync();
        Assert.Equal("""{"envelope_id":"e-command","payload":{"response_type":"ephemeral","text":"on it: web to production"}}""", ack.ToJsonString());
        var fields = Assert.Single(rig.Inbound.Commands);
        Assert.Equal(("/deploy", "U0ALICE", "C0CHAN", "1.2.abc"), (fields["command"], fields["user_id"], fields["channel_id"], fields["trigger_id"]));
        Assert.Equal("false", fields["is_enterprise_install"]);
        Assert.Equal("command", (await rig.Inbound.NextCallAsync()).Kind);

        // The handler answers, but Slack does not take an answer for this envelope.
        await link.SendAsync(Envelope("e-click", "interactive", Click, accepts: false));
        await ExpectBareAckAsync(link, "e-click");
        var click = await rig.Inbound.NextCallAsync();
        Assert.Equal(("interaction", "cancel"), (click.Kind, click.Data["actions"]?[0]?["action_id"]?.GetValue<string>()));

        await link.SendAsync(Envelope("e-mention", "events_api", Mention, accepts: false), fragments: 5);
        await ExpectBareAckAsync(link, "e-mention");
        var mention = await rig.Inbound.NextCallAsync();
        Assert.Equal(("event", "Ev0MENTION"), (mention.Kind, mention.Data["event_id"]?.GetValue<string>()));

        await link.SendAsync(Envelope("e-boom", "interactive", """{"type":"boom"}""", accepts: true));
        await ExpectBareAckAsync(link, "e-boom");
        await link.SendAsync(Envelope("e-new", "some_future_type", "{}", accepts: true));
        await ExpectBareAckAsync(link, "e-new");

        // A slow handler: the bare ack goes out when the ack timeout runs out, the handler finishes later.
        rig.Time.Forget();
        await link.SendAsync(Envelope("e-slow", "slash_commands", Command("slow"), accepts: true));
        rig.Time.Advance(await rig.Time.TimerAsync(rig.Options.AckTimeout, rig.Options.AckTimeout));
        await ExpectBareAckAsync(link, "e-slow");
        rig.Inbound.Gate.SetResult();
        await rig.Inbound.SlowDone.Task.WaitAsync(SlackSocketServer.Patience);
        await link.SendAsync(Envelope("e-after", "events_api", Mention, accepts: false));
        await ExpectBareAckAsync(link, "e-after");

        var acked = rig.Server.AllReceived().Select(m => m["envelope_id"]?.GetValue<string>());
        Assert.Equal(["e-command", "e-click", "e-mention", "e-boom", "e-new", "e-slow", "e-after"], acked);
        Assert.Contains(rig.Log.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("e-boom") && l.Text.Contains("the handler broke"));
        Assert.Contains(rig.Log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("e-slow"));
    }

    [Fact]
    public async Task Moves_to_a_new_connection_when_slack_asks_and_reconnects_after_drops_with_growing_waits()
    {
        await using var rig = await SocketModeRig.StartAsync();
        var first = await rig.Server.NextAsync();
        await ConverseAsync(first, "on-first");

        await first.SendAsync(Refresh);
        var second = await rig.Server.NextAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await first.Closed);
        Assert.Equal(2, rig.Urls.Calls);
        await ConverseAsync(second, "on-second");

        rig.Time.Forget();
        second.Abort();
        await rig.LetRetryWaitPassAsync(0.8, 1.0, askedSoFar: 2);
        var third = await rig.Server.NextAsync();
        Assert.Equal(3, rig.Urls.Calls);
        await ConverseAsync(third, "on-third");

        // Dropped again at once: the wait doubles.
        third.Abort();
        await rig.LetRetryWaitPassAsync(1.6, 2.0, askedSoFar: 3);
        var fourth = await rig.Server.NextAsync();
        await ConverseAsync(fourth, "on-fourth");

        // This one stays up long enough to count as stable, so the next drop starts over from a second.
        rig.Time.Advance(rig.Options.StableAfter);
        fourth.Abort();
        await rig.LetRetryWaitPassAsync(0.8, 1.0, askedSoFar: 4);
        var fifth = await rig.Server.NextAsync();
        await ConverseAsync(fifth, "on-fifth");

        await rig.Service.StopAsync(CancellationToken.None).WaitAsync(SlackSocketServer.Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await fifth.Closed);
        Assert.Equal(5, rig.Urls.Calls);
        Assert.Equal(5, rig.Log.Lines.Count(l => l.Level == LogLevel.Information && l.Text.StartsWith("Connected to Slack Socket Mode")));
        var acked = rig.Server.AllReceived().Select(m => m["envelope_id"]?.GetValue<string>());
        Assert.Equal(["on-first", "on-second", "on-third", "on-fourth", "on-fifth"], acked);
    }

    [Fact]
    public async Task Keeps_asking_for_a_url_with_growing_waits()
    {
        await using var rig = await SocketModeRig.StartAsync(failFirst: 2);
        await rig.LetRetryWaitPassAsync(0.8, 1.0, askedSoFar: 1);
        await rig.LetRetryWaitPassAsync(1.6, 2.0, askedSoFar: 2);
        await ConverseAsync(await rig.Server.NextAsync(), "at-last");
        Assert.Equal(3, rig.Urls.Calls);
        Assert.Equal(2, rig.Log.Lines.Count(l => l.Level == LogLevel.Warning && l.Text.Contains("internal_error")));
    }

    [Fact]
    public async Task Does_nothing_when_socket_mode_is_off()
    {
        var log = new ListLogger<SlackSocketMode>();
        // Neither ISlackInbound nor SlackApi is registered: with Socket Mode off, neither may be needed.
        var registrations = new ServiceCollection()
            .AddSingleton(new SlackOptions("signing-secret", "xoxb-test", null, SlackOptions.DefaultApiBase))
            .AddSingleton<ILogger<SlackSocketMode>>(log)
            .AddSlackSocketMode()
            .AddSlackSocketMode();
        Assert.Contains(registrations, d => d.ServiceType == typeof(ISlackSocketUrl) && d.ImplementationType == typeof(SlackApiSocketUrl));
        await using var services = registrations.BuildServiceProvider();
        var service = Assert.Single(services.GetServices<IHostedService>());

        await service.StartAsync(CancellationToken.None);
        await ((BackgroundService)service).ExecuteTask!.WaitAsync(SlackSocketServer.Patience);
        await service.StopAsync(CancellationToken.None);

        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("Socket Mode is off", line.Text);
    }

    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(2, 0.0, 2.0)]
    [InlineData(3, 0.0, 4.0)]
    [InlineData(6, 0.0, 32.0)]
    [InlineData(7, 0.0, 60.0)]
    [InlineData(1000, 0.0, 60.0)]
    [InlineData(1, 1.0, 0.8)]
    [InlineData(3, 0.5, 3.6)]
    [InlineData(9, 1.0, 48.0)]
    public void Waits_double_up_to_a_minute_less_some_jitter(int failures, double random, double seconds) =>
        Assert.Equal(seconds, new SlackSocketModeOptions().RetryDelay(failures, random).TotalSeconds, precision: 6);
}
