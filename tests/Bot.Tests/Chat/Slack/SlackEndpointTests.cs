using System.Net;
using Bot.Commands;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Slack;

public class SlackEndpointTests
{
    private static Dictionary<string, string?> Settings(bool slack = true)
    {
        var s = new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" };
        if (slack) s["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret;
        return s;
    }

    private static Task<BotWebHost> StartAsync(bool slack = true) =>
        BotWebHost.StartAsync(Settings(slack), s => s.AddSingleton<IDeployTarget, FakeTarget>());

    [Theory]
    [InlineData("/slack/commands")]
    [InlineData("/slack/interactions")]
    [InlineData("/slack/events")]
    public async Task Without_a_signing_secret_every_request_is_refused(string path)
    {
        await using var host = await StartAsync(slack: false);
        var response = await host.PostSlackAsync(path, SlackPayloads.SlashCommand("/deploy", "web"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("SLACK_SIGNING_SECRET", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_signature_a_changed_byte_a_stale_timestamp_or_missing_headers_get_401()
    {
        await using var host = await StartAsync();
        var body = SlackPayloads.SlashCommand("/deploy", "web");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostSlackAsync("/slack/commands", body, signature: "v0=" + new string('0', 64))).StatusCode);
        var stale = await host.PostSlackAsync("/slack/commands", body, at: DateTimeOffset.UtcNow.AddMinutes(-6));
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("5 minutes", await stale.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostSlackAsync("/slack/commands", body, at: DateTimeOffset.UtcNow.AddMinutes(6))).StatusCode);

        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Bot.Chat.Slack.SlackSignature.Sign(BotWebHost.SlackSecret, ts, System.Text.Encoding.UTF8.GetBytes(body));
        var changed = body.Replace("text=web", "text=wex");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostSlackAsync("/slack/commands", changed, at: DateTimeOffset.FromUnixTimeSeconds(long.Parse(ts)), signature: signature)).StatusCode);

        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body) };
        var missing = await host.Client.SendAsync(unsigned);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Empty(await host.Get<IDeploymentStore>().AuditLogAsync(null, 10, default));
    }

    [Fact]
    public async Task Url_verification_is_answered_only_when_signed()
    {
        await using var host = await StartAsync();
        const string challenge = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostSlackAsync("/slack/events", challenge, "application/json", signature: "v0=00")).StatusCode);
        var ok = await host.PostSlackAsync("/slack/events", challenge, "application/json");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_slash_command_is_acknowledged_with_an_ephemeral_answer_and_a_retry_runs_nothing()
    {
        await using var host = await StartAsync();
        var body = SlackPayloads.SlashCommand("/deploy", "web main", trigger: "13345224609.738474920.8088930838d88f008e0");

        var response = await host.PostSlackAsync("/slack/commands", body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var retry = await host.PostSlackAsync("/slack/commands", body, headers: new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ephemeral", (string?)answer["response_type"]);
        Assert.StartsWith("Queued deploy #1 of web main to production", (string?)answer["text"]);
        Assert.Equal("cancel web #1", (string?)answer["blocks"]![1]!["elements"]![0]!["value"]);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("", await retry.Content.ReadAsStringAsync());
        var deployments = await host.Get<IDeploymentStore>().ListAsync("web", null, 10, false, default);
        var only = Assert.Single(deployments);
        Assert.Equal(("slack", "C0DEPLOY", "U0ALICE"), (only.Origin.Platform, only.Origin.Conversation, only.Origin.UserId));
    }

    [Theory]
    [InlineData("/ops", "deploy web", "Queued deploy #1 of web")]
    [InlineData("/deploy", "wbe", "I don't know the app `wbe`. Did you mean `web`?")]
    [InlineData("/ops", "dpeloy web", "Did you mean `deploy`?")]
    [InlineData("/status", "", "production: nothing deployed yet")]
    public async Task Slash_commands_name_the_verb_or_carry_the_whole_command(string command, string text, string expected)
    {
        await using var host = await StartAsync();
        var answer = JsonNode.Parse(await (await host.PostSlackAsync("/slack/commands", SlackPayloads.SlashCommand(command, text))).Content.ReadAsStringAsync())!;
        Assert.Contains(expected, (string?)answer["text"]);
    }

    [Fact]
    public async Task Requests_that_are_not_what_slack_sends_get_a_short_reason()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.PostSlackAsync("/slack/commands", "{}", "application/json")).StatusCode);
        var missing = await host.PostSlackAsync("/slack/commands", "command=%2Fdeploy&channel_id=C1&text=web");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("missing field user_id", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostSlackAsync("/slack/interactions", "payload=%7Bnot-json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostSlackAsync("/slack/events", "{\"type\":", "application/json")).StatusCode);
        var bomb = new string('[', 10_000) + new string(']', 10_000);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostSlackAsync("/slack/events", bomb, "application/json")).StatusCode);
        var huge = "text=" + new string('a', 2 * 1024 * 1024);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.PostSlackAsync("/slack/commands", huge)).StatusCode);
    }

    [Fact]
    public async Task Mentions_direct_messages_and_button_taps_run_as_commands_once_each()
    {
        await using var host = await StartAsync();
        var mention = SlackPayloads.AppMention("<@U0BOT> deploy web main", "Ev0MENTION");
        Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/events", mention.ToJsonString(), "application/json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/events", mention.ToJsonString(), "application/json",
            headers: new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1" })).StatusCode);
        await host.PostSlackAsync("/slack/events", SlackPayloads.DirectMessage("status web", "Ev0DM").ToJsonString(), "application/json");
        var tap = SlackPayloads.BlockAction("history web");
        await host.PostSlackAsync("/slack/interactions", tap);
        await host.PostSlackAsync("/slack/interactions", tap);
        Assert.Equal(HttpStatusCode.OK, (await host.PostSlackAsync("/slack/interactions", SlackPayloads.ViewSubmission())).StatusCode);

        await host.Get<Bot.Chat.BackgroundWork>().IdleAsync();
        var store = host.Get<IDeploymentStore>();
        var commands = (await store.AuditLogAsync(null, 50, default)).Select(e => e.Command.Replace("<@U0BOT> ", ""));
        Assert.Equal(["deploy web main", "history web", "status web"], commands.Order());
        Assert.Single(await store.ListAsync("web", null, 10, false, default));
    }
}
