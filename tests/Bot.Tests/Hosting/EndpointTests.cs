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
}
