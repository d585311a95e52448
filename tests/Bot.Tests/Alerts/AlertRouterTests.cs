using Bot.Alerts;
using Bot.Commands;
using Bot.Chat;
using Bot.Deployments;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Alerts;

/// <summary>The alert path on the bot's real services: who hears an alert, how repeats are counted, mute, and the bot's own failures.</summary>
public sealed class AlertRouterTests : IAsyncLifetime
{
    private readonly WatchedTime _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private TestBot _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Environments:production:Url"] = "https://web.example",
            ["Apps:web:AlertChannels:0"] = "test:WEB-ALERTS",
            ["Apps:web:AlertChannels:1"] = "test:ONCALL",
            ["Apps:web:Environments:staging:AlertChannels:0"] = "test:WEB-STAGING",
            ["Apps:api:Target"] = "fake",
            ["Apps:api:AlertChannels:0"] = "test:API-ALERTS",
            ["Apps:quiet:Target"] = "fake",
        }, services => services.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private AlertRouter Router => _bot.Services.GetRequiredService<AlertRouter>();

    private Alert Fire(string app, string key = "error-rate", string? env = null, bool resolved = false, string title = "Error rate above 5%") =>
        new("grafana", app, env, AlertSeverity.Critical, title, "5xx at 7.2% for 5 minutes", "https://grafana.example/d/1", key, resolved, _time.GetUtcNow());

    private List<(Conversation To, AlertCard Card, AlertChange Change)> Shown()
    {
        lock (_bot.Chat.Alerts) return [.. _bot.Chat.Alerts];
    }

    [Fact]
    public async Task An_alert_goes_to_its_apps_channels_and_its_environments_own_channels_only()
    {
        await Router.ReceiveAsync(Fire("web"), default);
        await Router.ReceiveAsync(Fire("web", env: "staging"), default);
        await Router.ReceiveAsync(Fire("api"), default);
        var (quiet, change) = await Router.ReceiveAsync(Fire("quiet"), default);

        Assert.Equal(
            [("WEB-ALERTS", "web", null), ("ONCALL", "web", null), ("WEB-STAGING", "web", "staging"), ("API-ALERTS", "api", null)],
            Shown().Select(s => (s.To.Channel, s.Card.Alert.App, s.Card.Alert.Env)).ToList());
        Assert.All(Shown(), s => Assert.Equal(("test", AlertChange.New), (s.To.Platform, s.Change)));
        // An app with no alert channels still keeps the alert, for `alerts quiet`.
        Assert.Equal((AlertChange.New, 1), (change, quiet.Count));
        Assert.Single(await _bot.Store.AlertsAsync("quiet", 10, default));
    }

    [Fact]
    public async Task Repeats_within_the_window_count_on_the_first_alert_and_resolving_closes_it()
    {
        var (first, change) = await Router.ReceiveAsync(Fire("api"), default);
        Assert.Equal(AlertChange.New, change);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(9)); // each repeat is within ten minutes of the last one
            var (again, repeated) = await Router.ReceiveAsync(Fire("api"), default);
            Assert.Equal((first.Id, AlertChange.Repeated, i + 2), (again.Id, repeated, again.Count));
        }
        // A different key is a different alert.
        var (other, otherChange) = await Router.ReceiveAsync(Fire("api", key: "latency", title: "p99 above 2 s"), default);
        Assert.Equal(AlertChange.New, otherChange);
        Assert.NotEqual(first.Id, other.Id);

        _time.Advance(TimeSpan.FromMinutes(3));
        var (resolved, resolvedChange) = await Router.ReceiveAsync(Fire("api", resolved: true), default);
        Assert.Equal((first.Id, AlertChange.Resolved, AlertState.Resolved, 5), (resolved.Id, resolvedChange, resolved.State, resolved.Count));
        Assert.Equal(_time.GetUtcNow(), resolved.ResolvedAt);

        // Resolving again finds nothing open and is not shown; firing again starts a new alert.
        var (_, nothing) = await Router.ReceiveAsync(Fire("api", resolved: true), default);
        Assert.Equal(AlertChange.NothingOpen, nothing);
        var (fresh, freshChange) = await Router.ReceiveAsync(Fire("api"), default);
        Assert.Equal((AlertChange.New, 1), (freshChange, fresh.Count));
        Assert.NotEqual(first.Id, fresh.Id);

        var shown = Shown().Select(s => (s.Card.Alert.Id, s.Change, s.Card.Alert.Count)).ToList();
        Assert.Equal(
            [(first.Id, AlertChange.New, 1), (first.Id, AlertChange.Repeated, 2), (first.Id, AlertChange.Repeated, 3), (first.Id, AlertChange.Repeated, 4),
             (first.Id, AlertChange.Repeated, 5), (other.Id, AlertChange.New, 1), (first.Id, AlertChange.Resolved, 5), (fresh.Id, AlertChange.New, 1)],
            shown);
        var card = Shown()[^2].Card;
        Assert.True(card.IsResolved);
        Assert.StartsWith("✅ api: Error rate above 5%", card.Title);
        Assert.Equal(["Logs"], card.Actions.Select(a => a.Label));
    }

    [Fact]
    public async Task A_repeat_after_the_window_is_a_new_alert()
    {
        var (first, _) = await Router.ReceiveAsync(Fire("api"), default);
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var (second, change) = await Router.ReceiveAsync(Fire("api"), default);
        Assert.Equal((AlertChange.New, 1), (change, second.Count));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task A_firing_card_offers_logs_from_before_the_alert_a_confirmed_rollback_and_an_hour_of_quiet()
    {
        await Router.ReceiveAsync(Fire("web", env: "staging"), default);
        _time.Advance(TimeSpan.FromMinutes(12));
        var card = new AlertCard((await _bot.Store.AlertsAsync("web", 1, default))[0], _time.GetUtcNow());

        Assert.Equal("🔴 web staging: Error rate above 5%", card.Title);
        Assert.Equal(
            [("Logs", "logs web 100 since 17m in staging", null), ("Roll back", "rollback web in staging", "Put the release before the live one of web back in staging?"),
             ("Mute 1h", "mute web 1h", null)],
            card.Actions.Select(x => (x.Label, x.Command, x.Confirm)).ToList());
        Assert.Contains("grafana", card.Summary);
    }

    [Fact]
    public async Task Mute_keeps_alerts_recorded_but_quiet_until_it_runs_out_or_unmute()
    {
        var muted = await _bot.SendAsync("mute api 1h");
        Assert.True(muted.Ok);
        Assert.Contains("muted until 10:00", muted.Messages[0].Text);
        Assert.Equal(["Unmute"], muted.Messages[0].Actions!.Select(a => a.Label));

        var (stored, change) = await Router.ReceiveAsync(Fire("api"), default);
        Assert.True(stored.Muted);
        Assert.Equal(AlertChange.New, change);
        Assert.Empty(Shown());
        var list = await _bot.SendAsync("alerts api");
        Assert.Contains("muted until", list.Messages[0].Text);
        Assert.Contains("· muted", Assert.Single(list.Messages[0].Lines!));

        // An hour later the mute has run out.
        _time.Advance(TimeSpan.FromMinutes(61));
        await Router.ReceiveAsync(Fire("api", key: "disk"), default);
        Assert.Single(Shown());

        await _bot.SendAsync("mute api 2h");
        await Router.ReceiveAsync(Fire("api", key: "cpu"), default);
        Assert.Single(Shown());
        var unmuted = await _bot.SendAsync("unmute api");
        Assert.Equal("🔔 Alerts for api are on again.", unmuted.Messages[0].Text);
        await Router.ReceiveAsync(Fire("api", key: "memory"), default);
        Assert.Equal(2, Shown().Count);
        Assert.Equal("Alerts for api were not muted.", (await _bot.SendAsync("unmute api")).Messages[0].Text);
    }

    [Fact]
    public async Task Only_a_deployer_may_mute_an_app()
    {
        await _bot.DisposeAsync();
        _bot = await TestBot.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:web:Target"] = "fake",
            ["Apps:web:Deployers:0"] = "test:bob",
        }, services => services.AddSingleton<TimeProvider>(_time));
        var refused = await _bot.SendAsync("mute web 1h", user: "alice");
        Assert.False(refused.Ok);
        Assert.Null(await Router.MutedUntilAsync("web", default));
        Assert.True((await _bot.SendAsync("mute web 30m", user: "bob")).Ok);
        Assert.Equal(_time.GetUtcNow().AddMinutes(30), await Router.MutedUntilAsync("web", default));
    }

    [Fact]
    public async Task Alerts_lists_recent_alerts_newest_first_with_count_and_state()
    {
        Assert.Equal("No alerts so far.", (await _bot.SendAsync("alerts")).Messages[0].Text);
        await Router.ReceiveAsync(Fire("web"), default);
        await Router.ReceiveAsync(Fire("web"), default);
        await Router.ReceiveAsync(Fire("api", key: "disk", title: "Disk 91% full"), default);
        await Router.ReceiveAsync(Fire("api", key: "disk", resolved: true), default);

        var all = (await _bot.SendAsync("alerts")).Messages[0];
        Assert.Equal("The last 2 alerts:", all.Text);
        Assert.Equal(["✅ api: Disk 91% full · ×1 · resolved · since 09:00 UTC", "🔴 web: Error rate above 5% · ×2 · firing · since 09:00 UTC"],
            all.Lines!);
        var web = (await _bot.SendAsync("alerts web")).Messages[0];
        Assert.Equal(["Mute 1h"], web.Actions!.Select(a => a.Label));
        Assert.Single(web.Lines!);
        Assert.Equal("No alerts for quiet so far.", (await _bot.SendAsync("alerts quiet")).Messages[0].Text);
    }

    [Fact]
    public async Task A_failed_deploy_is_announced_in_the_alert_channels_but_not_again_where_it_was_asked()
    {
        _bot.Fake.FailWith = "health check never passed";
        var failed = await _bot.DeployAsync("deploy web main");
        Assert.Equal(DeploymentState.Failed, failed.State);
        await _bot.Services.GetRequiredService<BackgroundWork>().IdleAsync();

        var shown = Shown();
        Assert.Equal(["WEB-ALERTS", "ONCALL"], shown.Select(s => s.To.Channel));
        var card = shown[0].Card;
        Assert.Equal("🔴 web production: Deploy #1 of main failed", card.Title);
        Assert.Contains("asked by alice in test", card.Detail);
        Assert.Equal(("deploybot", $"deployment:{failed.Id}"), (card.Alert.Source, card.Alert.DedupeKey));

        // Asked from the alert channel itself: the conversation already has the result, so only the other channel hears it.
        var again = await _bot.SendAsync("deploy web main", conversation: "ONCALL");
        await _bot.WaitFinishedAsync(again.Started!.Id);
        await _bot.Services.GetRequiredService<BackgroundWork>().IdleAsync();
        Assert.Equal(["WEB-ALERTS", "ONCALL", "WEB-ALERTS"], Shown().Select(s => s.To.Channel));

        // A successful deploy is not an alert.
        _bot.Fake.FailWith = null;
        await _bot.DeployAsync("deploy web main");
        await _bot.Services.GetRequiredService<BackgroundWork>().IdleAsync();
        Assert.Equal(3, Shown().Count);
    }
}
