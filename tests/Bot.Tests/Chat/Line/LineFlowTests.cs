using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Line;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Line;

/// <summary>The bot as served, talking to the spec-checking fake of the Messaging API, on a clock the test moves.</summary>
public sealed class LineFlowTests : IAsyncLifetime
{
    private readonly FakeLineApi _line = new();
    private readonly WatchedTime _time = new(DateTimeOffset.UtcNow);
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;
    private int _events;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Apps:example:Target"] = "fake",
        ["Apps:locked:Target"] = "fake",
        ["Apps:locked:Deployers:0"] = "line:U0SOMEONEELSE",
    };

    public async Task InitializeAsync() => await StartAsync();

    private async Task StartAsync()
    {
        Settings["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret;
        Settings["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken;
        Settings["LINE_API_URL"] = _line.ApiBase.ToString();
        _host = await BotWebHost.StartAsync(Settings, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.AddSingleton<TimeProvider>(_time);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _line));
        });
        _line.AddProfile(LinePayloads.Alice, "Alice");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SettleAsync()
    {
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private async Task SendAsync(params JsonObject[] events)
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.PostLineAsync(LinePayloads.Body(events))).StatusCode);
        await SettleAsync();
    }

    private string NextId() => $"01JB{Interlocked.Increment(ref _events):D22}";

    private async Task<Deployment> FinishedAsync(long id)
    {
        using var updates = _host.Get<DeploymentFeed>().Subscribe();
        var d = await _host.Get<IDeploymentStore>().GetAsync(id, default);
        while (d!.IsActive)
        {
            var u = await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (u.Deployment.Id == id) d = u.Deployment;
        }
        await SettleAsync();
        return d;
    }

    private static string TextOf(FakeLineRequest r, int message = 0) => (string?)r.Messages![message]!["text"] ?? (string?)r.Messages[message]!["altText"] ?? "";

    private static List<string> QuickReplies(FakeLineRequest r) =>
        r.Messages!.Last()!["quickReply"]!["items"]!.AsArray().Select(i => (string)i!["action"]!["data"]!).ToList();

    [Fact]
    public async Task Deploy_gets_a_reply_the_loading_animation_and_one_pushed_result_and_rolls_back_after_a_confirm()
    {
        _target.Hold = new TaskCompletionSource();
        var deploy = LinePayloads.Text("deploy example main", "01JB0000000000000000000001", replyToken: "token-1");
        await SendAsync(deploy);

        var reply = Assert.Single(_line.Replies);
        Assert.Equal("token-1", reply.Target);
        Assert.Equal("Deploying example main (#1). I'll send the result here when it's done.", TextOf(reply));
        Assert.Contains("confirm:cancel example #1|Stop #1 of example?", QuickReplies(reply));
        await _target.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await SettleAsync();
        var loading = Assert.Single(_line.Loadings);
        Assert.Equal((LinePayloads.Alice, 60), (loading.Target, loading.LoadingSeconds));

        // The animation lasts a minute, so it is shown again while the deploy runs.
        while (await _time.NextTimerAsync() != LinePlatform.LoadingEvery) { }
        _time.Advance(LinePlatform.LoadingEvery);
        await SettleAsync();
        Assert.Equal(2, _line.Loadings.Count);

        _target.Hold.SetResult();
        await FinishedAsync(1);
        var result = Assert.Single(_line.Pushes);
        Assert.Equal(LinePayloads.Alice, result.Target);
        Assert.Equal(LinePlatform.RetryKey(1, "result").ToString(), result.RetryKey);
        var flex = result.Messages![0]!;
        Assert.Equal("flex", (string?)flex["type"]);
        Assert.StartsWith("✅ example #1 → production: live · main · Alice", (string?)flex["altText"]);
        var buttons = flex["contents"]!["footer"]!["contents"]!.AsArray().Select(b => (string?)b!["action"]!["label"]).ToList();
        Assert.Equal(["Open example", "View logs", "Roll back", "Status"], buttons);
        _time.Advance(LinePlatform.LoadingEvery);
        await SettleAsync();
        Assert.Equal(2, _line.Loadings.Count);

        // A redelivered copy runs nothing; a tampered body is refused.
        await SendAsync(LinePayloads.Text("deploy example main", "01JB0000000000000000000001", replyToken: "token-1b", redelivery: true));
        Assert.Single(await _host.Get<IDeploymentStore>().ListAsync("example", null, 10, false, default));
        var body = LinePayloads.Body(LinePayloads.Text("deploy example main", NextId()));
        var signature = LineSignature.Sign(BotWebHost.LineSecret, System.Text.Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.PostLineAsync(body.Replace("main", "mian"), signature: signature)).StatusCode);

        // A second release, then "Roll back" from its card: asks first, then rolls back to the first.
        _target.Hold = null;
        await SendAsync(LinePayloads.Text("deploy example v2", NextId(), replyToken: "token-2"));
        await FinishedAsync(2);
        var rollBack = (string)_line.Pushes.Last().Messages![0]!["contents"]!["footer"]!["contents"]![2]!["action"]!["data"]!;
        Assert.StartsWith("confirm:rollback example in production|", rollBack);
        await SendAsync(LinePayloads.Postback(rollBack, NextId(), replyToken: "token-3"));
        var confirm = _line.Replies.Last();
        Assert.Equal("template", (string?)confirm.Messages![0]!["type"]);
        var yes = (string)confirm.Messages[0]!["template"]!["actions"]![0]!["data"]!;
        Assert.Equal("cmd:rollback example in production", yes);
        Assert.Empty(_target.Rollbacks);

        await SendAsync(LinePayloads.Postback(yes, NextId(), replyToken: "token-4"));
        Assert.Equal("Rolling back example in production to r1 (#3). I'll send the result here when it's done.", TextOf(_line.Replies.Last()));
        var back = await FinishedAsync(3);
        Assert.Equal((DeploymentState.Succeeded, "r1"), (back.State, Assert.Single(_target.Rollbacks).Release));
        Assert.Equal(3, _line.PushesDelivered);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_group_gets_one_progress_push_for_a_long_deploy_and_the_result_within_the_budget()
    {
        _target.Hold = new TaskCompletionSource();
        var group = LinePayloads.Source(LinePayloads.Group);
        await SendAsync(LinePayloads.Text("/deploy example", NextId(), source: group));
        await _target.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await SettleAsync();
        Assert.Empty(_line.Loadings);
        while (await _time.NextTimerAsync() != TimeSpan.FromMinutes(2)) { }
        _time.Advance(TimeSpan.FromMinutes(2));
        await SettleAsync();
        Assert.StartsWith("⏳ example #1 is still deploying (2m 00s)", TextOf(Assert.Single(_line.Pushes)));
        Assert.Equal(LinePayloads.Group, _line.Pushes[0].Target);
        _target.Hold.SetResult();
        await FinishedAsync(1);
        Assert.Equal(2, _line.PushesDelivered);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Someone_not_allowed_gets_a_polite_answer_with_their_id_and_the_key_to_add_it_to()
    {
        await SendAsync(LinePayloads.Text("deploy locked", NextId()));
        var text = TextOf(Assert.Single(_line.Replies));
        Assert.Contains($"Your id is `line:{LinePayloads.Alice}`", text);
        Assert.Contains("`Apps:locked:Deployers`", text);
        Assert.Empty(await _host.Get<IDeploymentStore>().ListAsync("locked", null, 10, false, default));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Follow_and_join_greet_with_the_ids_an_admin_needs()
    {
        await SendAsync(LinePayloads.Follow(NextId()), LinePayloads.Join(NextId()));
        var texts = _line.Replies.Select(r => TextOf(r)).ToList();
        Assert.Contains(texts, t => t.Contains($"Your LINE user id is {LinePayloads.Alice}") && t.Contains($"`line:{LinePayloads.Alice}`"));
        Assert.Contains(texts, t => t.Contains($"`line:{LinePayloads.Group}` to an app's `AlertChannels`"));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task A_log_tail_is_cut_to_fit_one_message_and_says_how_to_get_more()
    {
        await SendAsync(LinePayloads.Text("logs example 1000", NextId()));
        var text = TextOf(Assert.Single(_line.Replies));
        Assert.True(text.Length <= LineMessages.MaxText, $"{text.Length} characters");
        Assert.EndsWith("line 1000\n(Showing", text[..(text.IndexOf("\n(Showing", StringComparison.Ordinal) + 9)]);
        Assert.Contains("For more: `logs example 200 grep error`.", text);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task When_the_reply_token_has_expired_the_answer_is_pushed()
    {
        _line.IssueReplyTokens("some-other-token");
        await SendAsync(LinePayloads.Text("status example", NextId(), replyToken: "expired-token"));
        Assert.Empty(_line.Replies);
        Assert.Contains("example · production", TextOf(Assert.Single(_line.Pushes)));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Japanese_input_is_read_as_typed()
    {
        await SendAsync(LinePayloads.Text("ｄｅｐｌｏｙ　ｅｘａｍｐｌｅ　ｍａｉｎ", NextId()));
        Assert.StartsWith("Deploying example main (#1)", TextOf(Assert.Single(_line.Replies)));
    }
}
