using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Targets.Heroku;

/// <summary>
/// <c>config set</c> from a Slack direct message to a Heroku app, the whole way: the command, the queued change, the
/// PATCH and the new release, the card posted to Slack. The value reaches Heroku and nothing else: not Slack, not the
/// stored events, not the audit.
/// </summary>
public sealed class HerokuConfigChatTests : IAsyncLifetime
{
    private const string Value = "some-long-secret-value";
    private readonly FakeSlackApi _slack = new();
    private readonly SocketsHttpHandler _loopback = new();
    private HerokuRig _rig = null!;

    public async Task InitializeAsync()
    {
        var router = new SlackOrLoopback(_slack, _loopback);
        var slack = new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = "fake-signing-secret",
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
        };
        _rig = await HerokuRig.StartAsync(slack, services =>
        {
            // Slack as the console modes have it: it sends cards, and nothing connects to receive.
            services.AddBotChat(new ConfigurationBuilder().AddInMemoryCollection(slack).Build(), receive: false);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => router));
        });
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        _loopback.Dispose();
        _slack.Dispose();
    }

    [Fact]
    public async Task A_value_set_in_a_direct_message_reaches_Heroku_and_no_message_event_or_audit_line()
    {
        var dm = new Origin("slack", "D0ALICE01", null, "U0ALICE01", "alice");

        var result = await _rig.Bot.Handler.HandleAsync(new ChatRequest(dm, $"config set web SECRET_X={Value}"), default);
        Assert.True(result.Ok, string.Join(" / ", result.Messages.Select(m => m.Text)));
        var d = await _rig.Bot.WaitFinishedAsync(result.Started!.Id);
        // The card's end is shown after the store has it: wait until the cards have caught up, then until Slack has it.
        await _rig.Bot.Services.GetRequiredService<Bot.Chat.DeploymentCards>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _rig.Bot.Services.GetRequiredService<SlackPlatform>().SettleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal("v124", d.Release);
        Assert.Equal(Value, _rig.App.ConfigVars["SECRET_X"]);
        Assert.Equal("Set SECRET_X config vars", _rig.App.Current.Description);
        var posted = _slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update").Select(c => c.Args.ToJsonString()).ToList();
        Assert.True(posted.Any(p => p.Contains("D0ALICE01", StringComparison.Ordinal) && p.Contains("production: live", StringComparison.Ordinal)
            && p.Contains("config: 1 set (SECRET_X)", StringComparison.Ordinal)), string.Join('\n', posted));

        var everything = new List<string>();
        everything.AddRange(result.Messages.Select(m => m.Text));
        everything.AddRange(_slack.Calls.Select(c => c.Args.ToJsonString()));
        everything.AddRange(await _rig.EventsAsync(d.Id));
        everything.Add(d.ToString());
        everything.AddRange((await _rig.Bot.Store.AuditLogAsync("web", 100, default)).Select(a => a.ToString()));
        Assert.Contains(everything, t => t.Contains("SECRET_X", StringComparison.Ordinal));
        Assert.DoesNotContain(everything, t => t.Contains(Value, StringComparison.Ordinal));
        _rig.Heroku.AssertNoViolations();
        _slack.AssertNoViolations();
    }

    /// <summary>Slack's API to the Slack fake; everything else (the Heroku fake on loopback) over real sockets.</summary>
    private sealed class SlackOrLoopback(FakeSlackApi slack, SocketsHttpHandler loopback) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _slack = new(slack, disposeHandler: false);
        private readonly HttpMessageInvoker _loopback = new(loopback, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri?.Host == slack.ApiBase.Host ? _slack.SendAsync(request, cancellationToken)
            : request.RequestUri is { IsLoopback: true } ? _loopback.SendAsync(request, cancellationToken)
            : throw new InvalidOperationException($"The test reaches only Slack's fake and loopback, not {request.RequestUri?.Host}.");
    }
}
