using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

/// <summary>The Set… form over Socket Mode: the same interaction handler, its answer in the envelope's ack.</summary>
public sealed class SlackConfigSocketModeTests
{
    [Fact]
    public async Task Set_opens_the_form_and_a_bad_submission_is_answered_with_errors_in_the_ack()
    {
        var slack = new FakeSlackApi();
        var target = new FakeConfigTarget();
        await using var server = await SlackSocketServer.StartAsync();
        await using var host = await BotWebHost.StartAsync(new Dictionary<string, string?>
        {
            ["SLACK_BOT_TOKEN"] = slack.BotToken,
            ["SLACK_APP_TOKEN"] = slack.AppToken,
            ["SLACK_API_URL"] = slack.ApiBase.ToString(),
            ["Apps:web:Target"] = "fakeconfig",
        }, services =>
        {
            services.AddSingleton<IDeployTarget>(target);
            services.AddSingleton<ISlackSocketUrl>(new SocketModeRig.CountingUrls(server.Url, 0));
            services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => slack));
        });
        var link = await server.NextAsync();
        await link.SendAsync("""{"type":"hello","num_connections":1}""");

        var tap = JsonNode.Parse(Uri.UnescapeDataString(SlackPayloads.BlockAction("config set web in production")["payload=".Length..]))!.AsObject();
        await link.SendAsync(Envelope("env-1", tap).ToJsonString());
        Assert.Null((await link.ReceiveAsync())["payload"]);
        await host.Get<BackgroundWork>().IdleAsync();
        var view = JsonNode.Parse((string)Assert.Single(slack.CallsTo("views.open")).Args["view"]!)!.AsObject();
        Assert.Equal("production", (string?)JsonNode.Parse((string)view["private_metadata"]!)!["env"]);

        var bad = SlackPayloads.ViewSubmissionPayload(view, new Dictionary<(string, string), string?>
        {
            [(SlackConfigModal.SetBlock, SlackConfigModal.SetInput)] = "SECRET_X=some-long-secret-value\n1BAD=x",
        });
        await link.SendAsync(Envelope("env-2", bad).ToJsonString());
        var ack = await link.ReceiveAsync();
        Assert.Equal(("env-2", "errors"), ((string?)ack["envelope_id"], (string?)ack["payload"]?["response_action"]));
        Assert.StartsWith("line 2:", (string?)ack["payload"]!["errors"]![SlackConfigModal.SetBlock]);
        Assert.DoesNotContain("some-long-secret-value", ack.ToJsonString());

        var good = SlackPayloads.ViewSubmissionPayload(view, new Dictionary<(string, string), string?>
        {
            [(SlackConfigModal.SetBlock, SlackConfigModal.SetInput)] = "SECRET_X=some-long-secret-value",
        });
        await link.SendAsync(Envelope("env-3", good).ToJsonString());
        Assert.Null((await link.ReceiveAsync())["payload"]);
        // The ack went out before the change was asked for: it is queued after it.
        await host.Get<BackgroundWork>().IdleAsync();
        Assert.Equal(DeploymentState.Succeeded, (await host.WaitFinishedAsync(1)).State);
        Assert.Equal("some-long-secret-value", target.Vars["SECRET_X"]);
        await host.Get<BackgroundWork>().IdleAsync();
        Assert.All(slack.Calls, c => Assert.DoesNotContain("some-long-secret-value", c.Args.ToJsonString()));
        slack.AssertNoViolations();
    }

    private static JsonObject Envelope(string id, JsonObject payload) =>
        new() { ["envelope_id"] = id, ["type"] = "interactive", ["accepts_response_payload"] = true, ["payload"] = payload };
}
