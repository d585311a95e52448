using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Notify;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Deployments.Notify;

/// <summary>
/// Deploy events reach a real loopback receiver signed, in order and at least once: a receiver that is down for a
/// minute (of the sender's clock) gets every event afterwards while the deploys themselves never wait on it.
/// </summary>
public sealed class DeployEventsTests : IAsyncLifetime
{
    private const string Secret = "notify-test-secret-1234";
    private const string PublicUrl = "https://bot.example.com";
    private readonly int _port = Ports.Free();
    private readonly ListLogger<DeployEvents> _log = new();
    private readonly List<DeployEvents> _senders = [];
    private TestBot _bot = null!;
    private WebhookReceiver? _receiver;

    private Uri Url => new($"http://127.0.0.1:{_port}/hook");

    public async Task InitializeAsync() => _bot = await TestBot.StartAsync(new Dictionary<string, string?>
    {
        ["Apps:web:Target"] = "fake",
        ["Apps:api:Target"] = "fake",
        ["BOT_PUBLIC_URL"] = PublicUrl,
    });

    public async Task DisposeAsync()
    {
        foreach (var s in _senders) await s.StopAsync(CancellationToken.None);
        if (_receiver is not null) await _receiver.DisposeAsync();
        await _bot.DisposeAsync();
    }

    private async Task<DeployEvents> StartSenderAsync(TimeProvider time)
    {
        var s = _bot.Services;
        var sender = new DeployEvents(new NotifyOptions([Url], Secret, PublicUrl), s.GetRequiredService<IDeploymentStore>(), s.GetRequiredService<DeploymentFeed>(),
            s.GetRequiredService<AppCatalog>(), s.GetRequiredService<WorkerIdentity>(), s.GetRequiredService<LogLinks>(), new Redactor([Secret]),
            s.GetRequiredService<IHttpClientFactory>(), time, _log);
        _senders.Add(sender);
        await sender.StartAsync(CancellationToken.None);
        await sender.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        return sender;
    }

    private async Task<Deployment[]> DeployAsync(params string[] apps)
    {
        var started = new List<long>();
        foreach (var app in apps)
        {
            var result = await _bot.SendAsync($"deploy {app}");
            Assert.True(result.Ok);
            started.Add(result.Started!.Id);
        }
        return await Task.WhenAll(started.Select(id => _bot.WaitFinishedAsync(id)));
    }

    private static JsonElement Parse(WebhookReceiver.Received r) => JsonDocument.Parse(r.Body).RootElement;

    /// <summary>A property left out when it has no value.</summary>
    private static string? Opt(JsonElement e, string name) => e.TryGetProperty(name, out var p) ? p.GetString() : null;

    private static string Id(WebhookReceiver.Received r) => Parse(r).GetProperty("id").GetString()!;

    /// <summary>The signature checked here, not by the bot's code: HMAC-SHA256 of the raw body, in hex, after <c>sha256=</c>.</summary>
    private static void AssertSigned(WebhookReceiver.Received r) =>
        Assert.Equal("sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), r.Body)).ToLowerInvariant(), r.Signature);

    /// <summary>The state lines of these deployments as the store has them: what must arrive, in this order.</summary>
    private async Task<List<string>> ExpectedAsync(params Deployment[] deployments)
    {
        var ids = deployments.Select(d => d.Id).ToHashSet();
        var lines = await _bot.Store.StateChangesAsync(0, long.MaxValue, 1000, default);
        return lines.Where(l => ids.Contains(l.Deployment.Id)).Select(l => $"{l.Deployment.Id}-{l.Line.Seq}").ToList();
    }

    [Fact]
    public async Task A_receiver_down_for_a_minute_gets_every_event_afterwards_in_order_signed_and_the_deploys_never_waited()
    {
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        await StartSenderAsync(time);

        // Nothing listens on the port: every try is refused at once. The sender's clock stands still, so a deploy that
        // waited on it would never end; both end as usual.
        var clock = Stopwatch.StartNew();
        var done = await DeployAsync("web", "api");
        Assert.All(done, d => Assert.Equal(DeploymentState.Succeeded, d.State));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the deploys took {clock.Elapsed}");

        // A minute of retries: refused connections for half of it, then 503s once the receiver is up but not ready.
        var due = await time.TimerAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var waits = new List<TimeSpan>();
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromMinutes(1))
        {
            if (elapsed >= TimeSpan.FromSeconds(30) && _receiver is null)
            {
                _receiver = await WebhookReceiver.StartAsync(_port);
                _receiver.Answer = _ => 503;
            }
            waits.Add(due);
            time.Advance(due);
            elapsed += due;
            due = await time.NextTimerAsync();
        }
        Assert.Equal([1, 2, 4, 8, 16, 32], waits.Select(w => (int)w.TotalSeconds));
        Assert.True(_receiver!.NotDelivered > 0);
        Assert.Empty(_receiver.Delivered);

        _receiver.Answer = _ => 200;
        time.Advance(due);
        var expected = await ExpectedAsync(done);
        Assert.Equal(6, expected.Count);
        var received = await _receiver.DeliveredAsync(expected.Count);

        Assert.Equal(expected, received.Select(Id));
        Assert.All(received, AssertSigned);
        foreach (var d in done)
            Assert.Equal(["queued", "running", "succeeded"], received.Select(Parse).Where(e => e.GetProperty("subject").GetString() == $"{d.App}/production")
                .Select(e => e.GetProperty("data").GetProperty("state").GetString()));
        Assert.Single(_log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("failed"));
    }

    [Fact]
    public async Task An_event_is_a_structured_cloudevent_with_the_deployment_and_its_log_page()
    {
        _receiver = await WebhookReceiver.StartAsync(_port);
        await StartSenderAsync(TimeProvider.System);
        var done = (await DeployAsync("web"))[0];
        var received = await _receiver.DeliveredAsync(3);

        var last = received[^1];
        Assert.Equal("application/cloudevents+json; charset=utf-8", last.ContentType);
        AssertSigned(last);
        var e = Parse(last);
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal(PublicUrl, e.GetProperty("source").GetString());
        Assert.Equal("com.deploybot.deployment.succeeded", e.GetProperty("type").GetString());
        Assert.Equal("web/production", e.GetProperty("subject").GetString());
        Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
        Assert.Equal(done.FinishedAt, e.GetProperty("time").GetDateTimeOffset());
        var data = e.GetProperty("data");
        Assert.Equal(("web", "production", "fake", done.Number, "deploy", "succeeded"),
            (data.GetProperty("app").GetString(), data.GetProperty("environment").GetString(), data.GetProperty("target").GetString(),
             data.GetProperty("number").GetInt32(), data.GetProperty("kind").GetString(), data.GetProperty("state").GetString()));
        Assert.Equal((done.Sha, done.Ref, done.Release), (Opt(data, "sha"), Opt(data, "ref"), Opt(data, "release")));
        Assert.NotNull(done.Release);
        Assert.Equal(("alice", "test:alice"), (data.GetProperty("who").GetProperty("name").GetString(), data.GetProperty("who").GetProperty("id").GetString()));
        Assert.StartsWith($"{PublicUrl}/d/web/{done.Number}?t=", data.GetProperty("logUrl").GetString());
        Assert.Equal(done.FinishedAt, data.GetProperty("finishedAt").GetDateTimeOffset());

        // An earlier state says what it was then: queued has no release and no end yet.
        var queued = Parse(received[0]).GetProperty("data");
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.False(queued.TryGetProperty("release", out _));
        Assert.False(queued.TryGetProperty("finishedAt", out _));
        Assert.Equal(3, received.Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task A_new_sender_resumes_from_the_cursor_sends_nothing_twice_and_no_history_from_before_the_webhook()
    {
        _receiver = await WebhookReceiver.StartAsync(_port);
        await DeployAsync("api");

        var first = await StartSenderAsync(TimeProvider.System);
        var before = await DeployAsync("web");
        Assert.Equal(await ExpectedAsync(before), (await _receiver.DeliveredAsync(3)).Select(Id));
        await first.StopAsync(CancellationToken.None);

        // Recorded while no process sends: the next one (a restart, another worker) finds them after the cursor.
        var during = await DeployAsync("web", "api");
        await StartSenderAsync(TimeProvider.System);
        var all = await _receiver.DeliveredAsync(9);
        Assert.Equal([.. await ExpectedAsync(before), .. await ExpectedAsync(during)], all.Select(Id));
        await DeployAsync("web");
        Assert.Equal(12, (await _receiver.DeliveredAsync(12)).Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task A_4xx_is_a_refusal_of_that_event_logged_once_and_the_next_events_go_on()
    {
        _receiver = await WebhookReceiver.StartAsync(_port);
        _receiver.Answer = body => Encoding.UTF8.GetString(body).Contains("deployment.queued") ? 422 : 200;
        await StartSenderAsync(TimeProvider.System);
        var done = await DeployAsync("web");
        var received = await _receiver.DeliveredAsync(2);
        Assert.Equal(["running", "succeeded"], received.Select(r => Parse(r).GetProperty("data").GetProperty("state").GetString()));
        Assert.Equal(1, _receiver.NotDelivered);
        var warning = Assert.Single(_log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains($"refused event {done[0].Id}-", warning.Text);
        Assert.Contains("422", warning.Text);
    }

    [Fact]
    public async Task A_busy_receiver_is_tried_again_after_its_retry_after()
    {
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        _receiver = await WebhookReceiver.StartAsync(_port);
        _receiver.Answer = _ => 429;
        _receiver.RetryAfter = 30;
        await StartSenderAsync(time);
        var done = await DeployAsync("web");
        Assert.Equal(TimeSpan.FromSeconds(30), await time.TimerAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)));
        _receiver.Answer = _ => 200;
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(await ExpectedAsync(done), (await _receiver.DeliveredAsync(3)).Select(Id));
    }

    [Fact]
    public async Task Another_process_holding_the_webhook_sends_until_its_lease_runs_out_then_this_one_takes_over()
    {
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        _receiver = await WebhookReceiver.StartAsync(_port);
        var key = DeployEvents.KeyOf(Url);
        var until = (time.GetUtcNow() + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds();
        await _bot.Store.SetNoteAsync(DeployEvents.LeaseScope, key, $"elsewhere/0badc0de/4026531836:42:123 {until}", time.GetUtcNow(), default);
        await StartSenderAsync(time);
        var done = await DeployAsync("web");
        Assert.Empty(_receiver.Delivered);

        // The other process died with its lease: once it has run out, this one sends from the cursor.
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(await ExpectedAsync(done), (await _receiver.DeliveredAsync(3)).Select(Id));
        Assert.StartsWith(_bot.Services.GetRequiredService<WorkerIdentity>().Id + " ", await _bot.Store.GetNoteAsync(DeployEvents.LeaseScope, key, default));
    }

    [Fact]
    public async Task A_drain_gives_each_pending_event_one_try_and_leaves_what_failed_for_later()
    {
        var s = _bot.Services;
        using var sender = new DeployEvents(new NotifyOptions([Url], Secret, PublicUrl), _bot.Store, _bot.Feed, s.GetRequiredService<AppCatalog>(),
            s.GetRequiredService<WorkerIdentity>(), s.GetRequiredService<LogLinks>(), Redactor.Default, s.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, _log);
        Assert.True(await sender.PrepareAsync(default));
        var done = await DeployAsync("web");

        Assert.Equal(0, await sender.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
        Assert.Contains(_log.Lines, l => l.Text.Contains("a worker sends them later"));
        _receiver = await WebhookReceiver.StartAsync(_port);
        Assert.Equal(3, await sender.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
        Assert.Equal(await ExpectedAsync(done), _receiver.Delivered.Select(Id));
        Assert.Equal(0, await sender.TryPendingOnceAsync(TimeSpan.FromSeconds(10), default));
    }
}
