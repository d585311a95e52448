using System.Net;
using System.Text;
using Bot.Tests.Support;

namespace Bot.Tests.Hosting;

public class EndpointTests
{
    [Fact]
    public async Task Serves_liveness_and_readiness()
    {
        await using var host = await BotWebHost.StartAsync(new Dictionary<string, string?>());
        Assert.Equal("ok", await host.Client.GetStringAsync("/healthz"));
        Assert.Equal("ready", await host.Client.GetStringAsync("/readyz"));
    }

    [Theory]
    [InlineData("/slack/commands", "SLACK_SIGNING_SECRET")]
    [InlineData("/slack/interactions", "SLACK_SIGNING_SECRET")]
    [InlineData("/slack/events", "SLACK_SIGNING_SECRET")]
    [InlineData("/line/webhook", "LINE_CHANNEL_SECRET")]
    [InlineData("/alerts/generic", "ALERTS_SECRET")]
    [InlineData("/alerts/heroku", "HEROKU_WEBHOOK_SECRET")]
    [InlineData("/alerts/gcp", "GCP_ALERTS_TOKEN")]
    [InlineData("/github/webhook", "GITHUB_WEBHOOK_SECRET")]
    public async Task A_webhook_whose_secret_is_not_set_is_refused_with_the_variable_to_set(string path, string variable)
    {
        await using var host = await BotWebHost.StartAsync(new Dictionary<string, string?>(), worker: false);
        var response = await host.Client.PostAsync(path, new StringContent("""{"incident":{"incident_id":"1","state":"open"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.EndsWith($"are off on this bot ({variable} is not set)", await response.Content.ReadAsStringAsync());
    }
}
