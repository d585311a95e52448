using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Bot.Tests.Hosting;

public sealed class EndpointTests : IDisposable
{
    private readonly TempDir _dir = new("web");

    [Fact]
    public async Task Serves_liveness_and_readiness()
    {
        await using var app = ServeCommand.Build(new BotCli("serve", null, null, _dir["data"], null, []), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        Assert.Equal("ready", await client.GetStringAsync("/readyz"));
        await app.StopAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
