using System.Net;
using Bot.Chat.Line;
using Bot.Deployments;
using Bot.Tests.Chat.Line;
using Polly.CircuitBreaker;

namespace Bot.Tests.Reliability;

public sealed partial class FaultTests
{
    private int _lineEvents;

    private async Task LineDeployAsync(string? eventId = null, bool redelivery = false)
    {
        eventId ??= $"01JBFAULT{Interlocked.Increment(ref _lineEvents):D17}";
        var body = LinePayloads.Body(LinePayloads.Text("deploy example", eventId, replyToken: $"token-{eventId}", redelivery: redelivery));
        Assert.Equal(HttpStatusCode.OK, (await _rig.Host.PostLineAsync(body)).StatusCode);
    }

    /// <summary>Asserts the one push LINE showed for deployment #1: its result card, with the key derived from the deployment.</summary>
    private async Task AssertOneResultPushAsync()
    {
        var d = (await _rig.Store.FindAsync("example", 1, default))!;
        var shown = Assert.Single(_rig.Line.Pushes);
        Assert.Equal(LinePlatform.RetryKey(d.Id, "result").ToString(), shown.RetryKey);
        Assert.StartsWith("✅ example #1 → production: live", (string?)shown.Messages![0]!["altText"]);
        Assert.All(_rig.Line.RequestsOf(LineCallKind.Push), p => Assert.Equal(shown.RetryKey, p.RetryKey));
    }

    [Fact]
    public async Task A_LINE_push_rate_limited_then_failing_then_answered_too_late_is_retried_with_one_key_and_shown_once()
    {
        _rig.Line.FailNext(LineApi.PushPath, LineFault.RateLimited(retryAfterSeconds: 3));
        _rig.Line.FailNext(LineApi.PushPath, LineFault.ServerError(500));
        _rig.Line.FailNext(LineApi.PushPath, LineFault.AnswerLost(502));

        await LineDeployAsync();
        await _rig.FinishedAsync(1);
        // One pipeline, one budget of three retries: 429, LINE's Retry-After (3 s); 500, the second back-off (4 s);
        // 502 after LINE took it, the third (8 s); then 409 with the key.
        await _rig.PassAsync(TimeSpan.FromSeconds(3));
        await _rig.PassAsync(RetryWaits[1]);
        await _rig.PassAsync(RetryWaits[2]);
        await _rig.SettleAsync();

        var attempts = _rig.Line.RequestsOf(LineCallKind.Push);
        Assert.Equal([429, 500, 502, 409], attempts.Select(a => a.Status));
        Assert.Equal([TimeSpan.FromSeconds(3), RetryWaits[1], RetryWaits[2]], Gaps(attempts.Select(a => a.At)));
        await AssertOneResultPushAsync();
        await _rig.AssertEachDeploymentRanOnceAsync(1);
        _rig.Line.AssertNoViolations();
    }

    [Fact]
    public async Task A_LINE_push_that_hangs_and_then_loses_its_connection_is_retried_on_the_clock_and_shown_once()
    {
        _rig.Network.FailNext(LineApi.PushPath, NetFault.Hang);
        _rig.Network.FailNext(LineApi.PushPath, NetFault.Drop);

        await LineDeployAsync();
        await _rig.FinishedAsync(1);
        // The first attempt hangs until its 10 s are up, the second is reset after 2 s more, the third after 4 s gets through.
        await _rig.Network.NextAttemptAsync(LineApi.PushPath);
        _rig.Time.Advance(FaultRig.AttemptTimeout);
        await _rig.PassAsync(RetryWaits[0]);
        await _rig.PassAsync(RetryWaits[1]);
        await _rig.SettleAsync();

        var attempts = _rig.Network.AttemptsTo(LineApi.PushPath);
        Assert.Equal([NetFault.Hang, NetFault.Drop, null], attempts.Select(a => a.Fault));
        Assert.Equal([FaultRig.AttemptTimeout + RetryWaits[0], RetryWaits[1]], Gaps(attempts.Select(a => a.At)));
        await AssertOneResultPushAsync();
        await _rig.AssertEachDeploymentRanOnceAsync(1);
    }

    [Fact]
    public async Task A_LINE_push_whose_answer_breaks_off_is_sent_again_later_with_its_key_and_shown_once()
    {
        _rig.Network.FailNext(LineApi.PushPath, NetFault.CutAnswer);

        await LineDeployAsync();
        await _rig.FinishedAsync(1);
        await _rig.SettleAsync();
        await _rig.PassAsync(FirstRedelivery);
        await _rig.SettleAsync();

        // LINE had shown it; the second send is answered 409 with the first request's id, and counts as sent.
        Assert.Equal([200, 409], _rig.Line.RequestsOf(LineCallKind.Push).Select(a => a.Status));
        await AssertOneResultPushAsync();
        await _rig.AssertEachDeploymentRanOnceAsync(1);
    }

    [Fact]
    public async Task When_LINE_keeps_failing_the_circuit_opens_a_deploy_still_runs_once_and_its_result_is_pushed_once_it_is_back()
    {
        _rig.Network.Down(_rig.LineHost, NetFault.ServerError);
        var api = _rig.Host.Get<LineApi>();
        var pushes = new[] { "one", "two" }.Select(text => api.PushAsync(LinePayloads.Alice, [LineMessages.Text(text)], Guid.NewGuid(), default)).ToList();
        foreach (var wait in RetryWaits)
        {
            // Both pushes wait before their next attempt; after eight failed attempts the circuit opens.
            await _rig.Time.TimerAsync(wait, wait);
            await _rig.PassAsync(wait);
        }
        foreach (var push in pushes)
            Assert.Equal(500, (await Assert.ThrowsAsync<LineApiException>(() => push.WaitAsync(TimeSpan.FromSeconds(10)))).Status);
        Assert.Equal(8, _rig.Network.AttemptsOn(_rig.LineHost).Count);

        // Open: calls fail at once, without a request; a deploy asked for meanwhile still runs, once, however often LINE delivers it.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => api.PushAsync(LinePayloads.Alice, [LineMessages.Text("three")], Guid.NewGuid(), default).WaitAsync(TimeSpan.FromSeconds(10)));
        await LineDeployAsync("01JBFAULTREDELIVERED000001");
        var d = await _rig.FinishedAsync(1);
        await LineDeployAsync("01JBFAULTREDELIVERED000001", redelivery: true);
        await _rig.SettleAsync();
        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal(8, _rig.Network.AttemptsOn(_rig.LineHost).Count);

        // LINE is back: after its pause, the result goes out as the breaker's trial call.
        _rig.Network.Up(_rig.LineHost);
        for (var round = 0; round < 5 && _rig.Line.Pushes.Count == 0; round++)
        {
            _rig.Time.Advance(TimeSpan.FromMinutes(1));
            await _rig.SettleAsync();
        }

        await AssertOneResultPushAsync();
        await _rig.AssertEachDeploymentRanOnceAsync(1);
        _rig.Line.AssertNoViolations();
    }

    [Fact]
    public async Task A_LINE_approval_card_whose_answer_breaks_off_is_sent_again_counted_once_and_the_result_still_gets_its_push()
    {
        const string bob = "U0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
        await using var rig = await FaultRig.StartAsync(new Dictionary<string, string?>
        {
            ["Apps:example:RequireApproval"] = "true", ["Apps:example:Approvers:0"] = $"line:{bob}",
        }, "example");
        rig.Line.AddProfile(bob, "Bob");
        rig.Network.FailNext(LineApi.PushPath, NetFault.CutAnswer);

        // Two pushes per deploy (the default): the approval card and the result. The approval's push is sent twice
        // (its answer broke off), and must still count once.
        var body = LinePayloads.Body(LinePayloads.Text("deploy example", "01JBFAULTAPPROVAL000000001", replyToken: "t-a1", source: LinePayloads.Source(LinePayloads.Group)));
        Assert.Equal(HttpStatusCode.OK, (await rig.Host.PostLineAsync(body)).StatusCode);
        await rig.SettleAsync();
        await rig.PassAsync(FirstRedelivery);
        await rig.SettleAsync();
        var approve = LinePayloads.Body(LinePayloads.Text("approve example #1", "01JBFAULTAPPROVAL000000002", replyToken: "t-a2", source: LinePayloads.Source(LinePayloads.Group, bob)));
        Assert.Equal(HttpStatusCode.OK, (await rig.Host.PostLineAsync(approve)).StatusCode);
        var d = await rig.FinishedAsync(1);
        await rig.SettleAsync();

        Assert.Equal(DeploymentState.Succeeded, d.State);
        Assert.Equal([200, 409, 200], rig.Line.RequestsOf(LineCallKind.Push).Select(p => p.Status));
        var shown = rig.Line.Pushes.Select(p => (string?)p.Messages![0]!["altText"] ?? "").ToList();
        Assert.Equal(2, shown.Count);
        Assert.StartsWith("⏸ example #1 → production: awaiting approval", shown[0]);
        Assert.StartsWith("✅ example #1 → production: live", shown[1]);
        Assert.Equal("2", await rig.Store.GetNoteAsync("line-pushes", d.Id.ToString(), default));
        rig.Line.AssertNoViolations();
    }
}
