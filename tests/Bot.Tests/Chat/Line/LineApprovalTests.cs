using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Line;

/// <summary>The two-person rule on LINE: the approval card is pushed once with postback buttons, and a postback approves.</summary>
public sealed class LineApprovalTests : IAsyncLifetime
{
    private const string Bob = "U0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
    private readonly FakeLineApi _line = new();
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = _line.AccessToken,
            ["LINE_API_URL"] = _line.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
            ["Apps:example:RequireApproval"] = "true",
            ["Apps:example:Approvers:0"] = $"line:{Bob}",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _line));
        });
        _line.AddProfile(LinePayloads.Alice, "Alice");
        _line.AddProfile(Bob, "Bob");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SendAsync(JsonObject e)
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.PostLineAsync(LinePayloads.Body(e))).StatusCode);
        await _host.Get<BackgroundWork>().IdleAsync();
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private static List<string> PostbackData(JsonNode flex) =>
        flex["contents"]!["footer"]!["contents"]!.AsArray().Select(b => (string?)b!["action"]!["data"]).OfType<string>().ToList();

    [Fact]
    public async Task The_approval_card_is_pushed_once_and_a_postback_from_an_approver_runs_the_deploy()
    {
        var group = LinePayloads.Source(LinePayloads.Group);
        await SendAsync(LinePayloads.Text("deploy example main", "01JB0000000000000000000101", replyToken: "t-1", source: group));
        Assert.Contains("waits for approval", (string?)_line.Replies.Last().Messages![0]!["text"]);

        var push = Assert.Single(_line.Pushes);
        Assert.Equal(LinePayloads.Group, push.Target);
        var flex = push.Messages![0]!;
        Assert.StartsWith("⏸ example #1 → production: awaiting approval", (string?)flex["altText"]);
        var data = PostbackData(flex);
        Assert.Contains(data, d => d.StartsWith("confirm:approve example #1|Approve deploy #1 of example", StringComparison.Ordinal));
        Assert.Contains(data, d => d.StartsWith("confirm:reject example #1|", StringComparison.Ordinal));

        // The tap asks first (a confirm template); its Yes is the postback that approves.
        var bobInGroup = LinePayloads.Source(LinePayloads.Group, Bob);
        await SendAsync(LinePayloads.Postback(data.First(d => d.StartsWith("confirm:approve", StringComparison.Ordinal)), "01JB0000000000000000000102", "t-2", bobInGroup));
        var question = _line.Replies.Last().Messages![0]!;
        Assert.Equal("confirm", (string?)question["template"]!["type"]);
        var yes = (string?)question["template"]!["actions"]![0]!["data"];
        Assert.Equal("cmd:approve example #1", yes);

        await SendAsync(LinePayloads.Postback(yes!, "01JB0000000000000000000103", "t-3", bobInGroup));
        Assert.Contains("Approved deploy #1 of example", (string?)_line.Replies.Last().Messages![0]!["text"]);
        var done = await _host.WaitFinishedAsync(1);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();

        var result = _line.Pushes.Last().Messages![0]!;
        Assert.StartsWith("✅ example #1 → production: live", (string?)result["altText"]);
        // Bob by his profile once it has been read, else by his id: the answer never waits for the lookup.
        var alt = (string?)result["altText"];
        Assert.True(alt!.Contains("approved by Bob") || alt.Contains($"approved by {Bob}"), alt);
        Assert.DoesNotContain(PostbackData(result), d => d.Contains("approve", StringComparison.Ordinal));
        Assert.Equal(2, _line.Pushes.Count);

        // The old card's button, tapped again, answers once and runs nothing.
        await SendAsync(LinePayloads.Postback("cmd:approve example #1", "01JB0000000000000000000104", "t-4", bobInGroup));
        Assert.Contains("no longer waits for approval", (string?)_line.Replies.Last().Messages![0]!["text"]);
        Assert.Single(_target.Deploys);
        _line.AssertNoViolations();
    }
}
