using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Console;
using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>Every hint can be typed where it is shown: slash commands in Slack, bare commands in the console and LINE.</summary>
public sealed class SlackHintTests : IAsyncLifetime
{
    private readonly FakeSlackApi _slack = new();
    private readonly FakeTarget _target = new();
    private BotWebHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = _slack.BotToken,
            ["SLACK_API_URL"] = _slack.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(_target);
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _slack));
        });
        _slack.AddUser("U0ALICE", "alice", "Alice Doe");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task SettleAsync()
    {
        await _host.Get<DeploymentCards>().IdleAsync();
        await _host.Get<SlackPlatform>().SettleAsync();
        await _host.Get<BackgroundWork>().IdleAsync();
    }

    private static string Text(JsonNode node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public void Hints_in_slack_carry_the_slash_command_and_in_the_console_stay_bare()
    {
        var message = new ChatMessage("Health check failed. Type `logs example` to see why, or `rollback example`. Check `Shell:Health`.");
        var slack = Text(SlackBlocks.Message(message));
        Assert.Contains("`/ops logs example`", slack);
        Assert.Contains("`/ops rollback example`", slack);
        Assert.Contains("`Shell:Health`", slack);
        var console = ConsolePlatform.Render(message);
        Assert.Contains("`logs example`", console);
        Assert.DoesNotContain("/ops", console);
    }

    [Fact]
    public async Task Slash_deploy_status_asks_whether_ops_status_was_meant()
    {
        var answer = JsonNode.Parse(await (await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "status"))).Content.ReadAsStringAsync())!;
        Assert.Contains("Did you mean `/ops status`?", Text(answer));
        Assert.Empty(await _host.Get<IDeploymentStore>().ListAsync(null, null, 10, activeOnly: false, default));
        var help = JsonNode.Parse(await (await _host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/help", "deploy"))).Content.ReadAsStringAsync())!;
        Assert.DoesNotContain("Did you mean", Text(help));
    }

    [Fact]
    public async Task View_logs_tapped_by_one_person_shows_them_to_that_person_only()
    {
        await _host.PostSlackAsync("/slack/interactions", SlackPayloads.BlockAction("logs example 200"));
        await SettleAsync();
        var response = Assert.Single(_slack.ResponsePosts);
        Assert.Equal("ephemeral", (string?)response.Body["response_type"]);
        Assert.Contains("line 200", Text(response.Body));
        Assert.Empty(_slack.Uploads);
        _slack.AssertNoViolations();
    }
}
