using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>Socket Mode end to end: envelopes from a local WebSocket server reach the same handlers as HTTP.</summary>
public sealed class SlackSocketModeFlowTests
{
    [Fact]
    public async Task A_slash_command_over_socket_mode_is_answered_in_its_ack_and_queues_the_deploy()
    {
        var slack = new FakeSlackApi();
        await using var server = await SlackSocketServer.StartAsync();
        await using var host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_BOT_TOKEN"] = slack.BotToken,
            ["SLACK_APP_TOKEN"] = slack.AppToken,
            ["SLACK_API_URL"] = slack.ApiBase.ToString(),
            ["Apps:example:Target"] = "fake",
        }, services =>
        {
            services.AddSingleton<IDeployTarget, FakeTarget>();
            services.AddSingleton<ISlackSocketUrl>(new SocketModeRig.CountingUrls(server.Url, 0));
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => slack));
        });

        var link = await server.NextAsync();
        await link.SendAsync("""{"type":"hello","num_connections":1}""");
        var payload = new JsonObject
        {
            ["command"] = "/deploy", ["text"] = "example main", ["user_id"] = "U0ALICE", ["user_name"] = "alice",
            ["channel_id"] = "C0DEPLOY", ["trigger_id"] = "socket-trigger-1", ["response_url"] = "https://hooks.slack.test/commands/1",
        };
        var envelope = new JsonObject { ["envelope_id"] = "env-1", ["type"] = "slash_commands", ["accepts_response_payload"] = true, ["payload"] = payload };
        await link.SendAsync(envelope.ToJsonString());

        var ack = await link.ReceiveAsync();
        Assert.Equal("env-1", (string?)ack["envelope_id"]);
        Assert.StartsWith("Queued deploy #1 of example main to production", (string?)ack["payload"]?["text"]);
        Assert.Equal("slack", Assert.Single(await host.Get<IDeploymentStore>().ListAsync("example", null, 10, false, default)).Origin.Platform);

        // With Socket Mode and no signing secret, the public endpoints stay closed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand("/deploy", "example"))).StatusCode);
    }
}
