using System.Diagnostics;
using System.Net;
using Bot.Deployments;
using Bot.Tests.Chat.Line;
using Bot.Tests.Support;
using Xunit.Abstractions;

namespace Bot.Tests.Reliability;

/// <summary>
/// Thousands of signed Slack and LINE deliveries, a third of them retries or redeliveries, sent concurrently to one
/// running bot: every distinct delivery must run exactly once, counted in the store and in what the fakes received.
/// </summary>
public sealed class ReplayTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 5000;
    private const int Senders = 24;

    private readonly PlatformFakes _fakes = new();
    private BotWebHost _host = null!;

    public async Task InitializeAsync()
    {
        var apps = Enumerable.Range(0, ReplayPlan.AppCount).Select(ReplayPlan.App)
            .Concat(Enumerable.Range(0, ReplayPlan.HoldCount).Select(ReplayPlan.Hold))
            .Select(name => KeyValuePair.Create($"Apps:{name}:Target", (string?)"fake"))
            // One person sends thousands of deliveries here, far past any per-person rate limit.
            .Append(KeyValuePair.Create("RateLimit", (string?)"off"));
        _host = await BotWebHost.StartAsync(_fakes.Settings(apps), _fakes.Replace);
        _fakes.Slack.AddUser("U0ALICE", "alice", "Alice Doe");
        _fakes.Line.AddProfile(LinePayloads.Alice, "Alice");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Every_distinct_delivery_runs_exactly_once_however_often_and_concurrently_it_arrives()
    {
        var plan = new ReplayPlan(Seed);
        var clock = Stopwatch.StartNew();
        foreach (var round in plan.Rounds)
        {
            await Parallel.ForEachAsync(round, new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (send, _) => await SendAsync(send));
            await PlatformFakes.QuietAsync(_host.Services);
        }
        var sent = clock.Elapsed;

        var sends = plan.Rounds.SelectMany(r => r).ToList();
        var check = new ReplayCheck(plan, sends, _fakes, _host.Get<IDeploymentStore>());
        var problems = await check.RunAsync();
        output.WriteLine($"seed {Seed}: {sends.Count} requests ({sends.Count(s => s.HasCopies)} carrying retries or redeliveries), " +
                         $"{plan.Deliveries.Count} distinct deliveries, {check.Deploys} deploys; sent and settled in {sent.TotalSeconds:F1}s, checked in {(clock.Elapsed - sent).TotalSeconds:F1}s");
        Assert.True(problems.Count == 0, $"seed {Seed}: {problems.Count} problems; the first ones:\n" + string.Join('\n', problems.Take(25)));
    }

    private async Task SendAsync(Send send)
    {
        HttpResponseMessage response;
        if (send.IsSlack)
        {
            var (d, copy) = send.Items[0];
            var retry = copy == 0 ? null : new Dictionary<string, string> { ["X-Slack-Retry-Num"] = $"{(copy - 1) % 3 + 1}", ["X-Slack-Retry-Reason"] = "http_timeout" };
            var type = d.Via == Via.Mention ? "application/json" : "application/x-www-form-urlencoded";
            response = await _host.PostSlackAsync(d.SlackPath, d.SlackBody, type, headers: retry);
        }
        else
        {
            response = await _host.PostLineAsync(LinePayloads.Body([.. send.Items.Select(i => i.Delivery.LineEvent(i.Copy))]));
        }
        send.Status = (int)response.StatusCode;
        send.Answer = await response.Content.ReadAsStringAsync();
    }
}
