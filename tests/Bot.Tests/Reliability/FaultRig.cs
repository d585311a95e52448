using Bot.Chat;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Bot.Tests.Reliability;

/// <summary>
/// The bot as served, with Slack and LINE both on, each a spec-checking fake behind a <see cref="FlakyNetwork"/>,
/// deploying <see cref="FakeTarget"/> apps, on a clock the test moves. The HTTP resilience policy is the bot's
/// own except for jitter, so that the waits between attempts are exact: 2 s, then 4 s, then 8 s.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    public static readonly TimeSpan[] RetryWaits = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private FaultRig(WatchedTime time)
    {
        Time = time;
        Slack = new FakeSlackApi(time);
        Line = new FakeLineApi(time);
        Network = new FlakyNetwork(time, (Slack.ApiBase, Slack), (Line.ApiBase, Line));
    }

    public WatchedTime Time { get; }
    public FakeSlackApi Slack { get; }
    public FakeLineApi Line { get; }
    public FlakyNetwork Network { get; }
    public FakeTarget Target { get; } = new();
    public BotWebHost Host { get; private set; } = null!;
    public string SlackHost => Slack.ApiBase.Host;
    public string LineHost => Line.ApiBase.Host;
    public IDeploymentStore Store => Host.Get<IDeploymentStore>();

    public static Task<FaultRig> StartAsync(params string[] apps) => StartAsync(new Dictionary<string, string?>(), apps);

    /// <param name="more">More configuration (an app's approval rules).</param>
    public static async Task<FaultRig> StartAsync(IReadOnlyDictionary<string, string?> more, params string[] apps)
    {
        var rig = new FaultRig(new WatchedTime(DateTimeOffset.UtcNow));
        var settings = new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = rig.Slack.BotToken,
            ["SLACK_API_URL"] = rig.Slack.ApiBase.ToString(),
            ["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = rig.Line.AccessToken,
            ["LINE_API_URL"] = rig.Line.ApiBase.ToString(),
        };
        foreach (var app in apps.DefaultIfEmpty("example")) settings[$"Apps:{app}:Target"] = "fake";
        foreach (var (key, value) in more) settings[key] = value;
        rig.Host = await BotWebHost.StartAsync(settings, services =>
        {
            services.AddSingleton<IDeployTarget>(rig.Target);
            services.AddSingleton<TimeProvider>(rig.Time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => rig.Network));
            foreach (var client in new[] { nameof(SlackApi), nameof(LineApi) })
                services.Configure<HttpStandardResilienceOptions>($"{client}-standard", o => o.Retry.UseJitter = false);
        });
        rig.Slack.AddUser("U0ALICE", "alice", "Alice Doe");
        rig.Line.AddProfile(LinePayloads.Alice, "Alice");
        return rig;
    }

    /// <summary>Waits for the timer of one wait on the clock (a retry's pause, a card's slot) and lets that much time pass.</summary>
    public async Task PassAsync(TimeSpan wait)
    {
        await Time.TimerAsync(wait, wait);
        Time.Advance(wait);
    }

    /// <summary>Lets the notifier, the Slack card updates and webhook work finish what they were given. Only when nothing waits on the clock.</summary>
    public async Task SettleAsync()
    {
        await Host.Get<DeploymentCards>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        // A failure's announcement runs as background work the notifier started; it hands Slack the alert card.
        await Host.Get<BackgroundWork>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Host.Get<SlackPlatform>().SettleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Host.Get<BackgroundWork>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task<Deployment> FinishedAsync(int number, string app = "example")
    {
        using var updates = Host.Get<DeploymentFeed>().Subscribe();
        var d = await Store.FindAsync(app, number, default);
        while (d is null || d.IsActive)
        {
            var u = await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (u.Deployment.App == app && u.Deployment.Number == number) d = u.Deployment;
        }
        return d;
    }

    /// <summary>
    /// No deploy lost or run twice: <paramref name="count"/> deployments in the store, each ended in exactly one final
    /// state, and the target asked to deploy exactly that often.
    /// </summary>
    public async Task AssertEachDeploymentRanOnceAsync(int count)
    {
        var all = await Store.ListAsync(null, null, 100, false, default);
        Assert.Equal(count, all.Count);
        foreach (var d in all)
        {
            Assert.True(d.IsFinished, $"{d.App} #{d.Number} is still {d.State}");
            var ends = (await Store.EventsAsync(d.Id, 0, 1000, default))
                .Count(e => e.Kind == LineKind.State && e.Text is "succeeded" or "failed" or "cancelled" or "interrupted");
            Assert.True(ends == 1, $"{d.App} #{d.Number} ended {ends} times");
        }
        lock (Target.Deploys) Assert.Equal(count, Target.Deploys.Count);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
