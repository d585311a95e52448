using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Reliability;

/// <summary>
/// The whole bot as <c>serve</c> runs it, on Kestrel at 127.0.0.1 with a port the OS picks: real HTTP framing
/// (content lengths, chunked bodies, closed connections), which the in-memory test server does not have.
/// </summary>
public sealed class LoopbackBot : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDir _dir;

    private LoopbackBot(WebApplication app, TempDir dir)
    {
        _app = app;
        _dir = dir;
        Address = new Uri(app.Urls.Single());
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<LoopbackBot> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection> replace)
    {
        var dir = new TempDir("loopback");
        var values = new Dictionary<string, string?>(settings) { ["DATA_DIR"] = dir["data"] };
        var app = ServeCommand.Build(new BotCli("serve", null, null, null, null, []), b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(values);
            b.Logging.ClearProviders();
        }, replace);
        await app.StartAsync();
        return new LoopbackBot(app, dir);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
