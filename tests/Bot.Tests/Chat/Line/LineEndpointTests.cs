using System.Net;
using Bot.Commands;
using Bot.Chat;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Chat.Line;

public class LineEndpointTests
{
    private static Task<BotWebHost> StartAsync(string? secret = BotWebHost.LineSecret)
    {
        var settings = new Dictionary<string, string?> { ["Apps:example:Target"] = "fake" };
        if (secret is not null) settings["LINE_CHANNEL_SECRET"] = secret;
        return BotWebHost.StartAsync(settings, s => s.AddSingleton<IDeployTarget, FakeTarget>());
    }

    [Fact]
    public async Task Without_the_channel_secret_the_webhook_refuses_everything()
    {
        await using var host = await StartAsync(secret: null);
        var response = await host.PostLineAsync(LinePayloads.Body());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("LINE_CHANNEL_SECRET", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_consoles_verify_request_gets_200()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PostLineAsync("""{"destination":"U0123456789abcdef0123456789abcdef","events":[]}""")).StatusCode);
    }

    [Fact]
    public async Task The_official_vectors_verify_through_the_endpoint()
    {
        var v = Specs.Vector("line-nodejs-sdk-middleware");
        await using var host = await StartAsync((string)v["secret"]!);
        var body = (string)v["body"]!;
        Assert.Equal(HttpStatusCode.OK, (await host.PostLineAsync(body, signature: (string)v["expected"]!)).StatusCode);
        foreach (var negative in v["negatives"]!.AsArray())
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostLineAsync(body, signature: (string?)negative!["signature"])).StatusCode);
        var changed = body.Replace("test message", "test massage");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostLineAsync(changed, signature: (string)v["expected"]!)).StatusCode);
        // The 401 says which it was, as Slack's and the alert sources' do.
        Assert.Equal("missing X-Line-Signature", await (await host.PostLineAsync(body, signature: null)).Content.ReadAsStringAsync());
        Assert.Equal("invalid signature", await (await host.PostLineAsync(changed, signature: (string)v["expected"]!)).Content.ReadAsStringAsync());

        var extra = v["extra"]!;
        var notJson = await host.PostLineAsync((string)extra["body"]!, signature: (string)extra["signature"]!, contentType: "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("expected a JSON object with an events array", await notJson.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"destination":"U0","events":{}}""")]
    [InlineData("""{"destination":"U0"}""")]
    [InlineData("\"events\"")]
    public async Task Signed_bodies_that_are_not_a_callback_get_400(string body)
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostLineAsync(body)).StatusCode);
    }

    [Fact]
    public async Task A_redelivered_event_runs_nothing()
    {
        await using var host = await StartAsync();
        var first = LinePayloads.Body(LinePayloads.Text("deploy example main", "01HZ0000000000000000000001"));
        var again = LinePayloads.Body(LinePayloads.Text("deploy example main", "01HZ0000000000000000000001", redelivery: true));
        Assert.Equal(HttpStatusCode.OK, (await host.PostLineAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostLineAsync(again)).StatusCode);
        await host.Get<BackgroundWork>().IdleAsync();
        var deployment = Assert.Single(await host.Get<IDeploymentStore>().ListAsync("example", null, 10, false, default));
        Assert.Equal(("line", LinePayloads.Alice), (deployment.Origin.Platform, deployment.Origin.Conversation));
    }

    [Fact]
    public async Task In_a_group_only_mentions_slash_commands_and_known_verbs_are_commands()
    {
        await using var host = await StartAsync();
        var group = LinePayloads.Source(LinePayloads.Group);
        await host.PostLineAsync(LinePayloads.Body(
            LinePayloads.Text("lunch anyone?", "E1", source: group),
            LinePayloads.Text("@Deploybot status example", "E2", source: group, mention: LinePayloads.SelfMention(0, 10)),
            LinePayloads.Text("／ｈｅｌｐ", "E3", source: group),
            LinePayloads.Text("history example", "E4", source: group)));
        await host.Get<BackgroundWork>().IdleAsync();
        var commands = (await host.Get<IDeploymentStore>().AuditLogAsync(null, 10, default)).Select(a => a.Command).Order();
        Assert.Equal(["/help", "history example", "status example"], commands);
    }
}
