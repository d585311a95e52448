using Bot.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Chat.Slack;

/// <summary>
/// <see cref="SlackSocketMode"/> wired as the app wires it, pointed at a local <see cref="SlackSocketServer"/>,
/// on a <see cref="WatchedTime"/> clock, delivering to a <see cref="RecordingSlackInbound"/>.
/// </summary>
internal sealed class SocketModeRig : IAsyncDisposable
{
    public static readonly SlackOptions On = new(null, "xoxb-test", "xapp-test", SlackOptions.DefaultApiBase);

    private ServiceProvider _services = null!;

    private SocketModeRig(SlackSocketServer server, int failFirst)
    {
        Server = server;
        Urls = new CountingUrls(server.Url, failFirst);
    }

    public SlackSocketServer Server { get; }
    public CountingUrls Urls { get; }
    public WatchedTime Time { get; } = new();
    public RecordingSlackInbound Inbound { get; } = new();
    public ListLogger<SlackSocketMode> Log { get; } = new();
    public SlackSocketModeOptions Options { get; } = new();
    public SlackSocketMode Service { get; private set; } = null!;

    /// <param name="failFirst">How many times asking for the URL fails before it works.</param>
    public static async Task<SocketModeRig> StartAsync(int failFirst = 0)
    {
        var rig = new SocketModeRig(await SlackSocketServer.StartAsync(), failFirst);
        rig._services = new ServiceCollection()
            .AddSingleton(On)
            .AddSingleton(rig.Options)
            .AddSingleton<TimeProvider>(rig.Time)
            .AddSingleton<ILogger<SlackSocketMode>>(rig.Log)
            .AddSingleton<ISlackInbound>(rig.Inbound)
            .AddSingleton<ISlackSocketUrl>(rig.Urls)
            .AddSlackSocketMode()
            .BuildServiceProvider();
        rig.Service = rig._services.GetRequiredService<SlackSocketMode>();
        await rig.Service.StartAsync(CancellationToken.None);
        return rig;
    }

    /// <summary>
    /// Waits for the wait-before-retry timer (due within the range), checks that the URL has been asked for
    /// <paramref name="askedSoFar"/> times (no retry before the wait is over), and lets the wait run out.
    /// </summary>
    public async Task LetRetryWaitPassAsync(double minSeconds, double maxSeconds, int askedSoFar)
    {
        var wait = await Time.TimerAsync(TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds));
        Assert.Equal(askedSoFar, Urls.Calls);
        Time.Advance(wait);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None).WaitAsync(SlackSocketServer.Patience);
        await _services.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Hands out the server's URL, as <c>apps.connections.open</c> would, and counts the asks.</summary>
    public sealed class CountingUrls(Uri url, int failFirst) : ISlackSocketUrl
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<Uri> OpenAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failFirst
                ? Task.FromException<Uri>(new SlackApiException("apps.connections.open", "internal_error"))
                : Task.FromResult(url);
    }
}
