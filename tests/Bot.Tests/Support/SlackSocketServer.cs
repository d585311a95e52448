using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Support;

/// <summary>
/// Plays Slack's Socket Mode side: a real WebSocket server on Kestrel (127.0.0.1, a port the OS picks)
/// that hands each connection to the test, which scripts what Slack says and reads what the bot answers.
/// </summary>
public sealed class SlackSocketServer : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly Channel<Link> _accepted = Channel.CreateUnbounded<Link>();
    private readonly List<Link> _all = [];

    private SlackSocketServer(WebApplication app) => _app = app;

    /// <summary>Where the bot connects (<c>ws://127.0.0.1:port/link</c>), as <c>apps.connections.open</c> would say.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<SlackSocketServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new SlackSocketServer(app);
        app.UseWebSockets();
        app.Map("/link", (RequestDelegate)server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address.Replace("http://", "ws://") + "/link");
        return server;
    }

    /// <summary>The next connection the bot opens.</summary>
    public async Task<Link> NextAsync() => await _accepted.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>Every message the bot sent, on every connection.</summary>
    public List<JsonObject> AllReceived()
    {
        lock (_all) return _all.SelectMany(l => l.Received).ToList();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var link = new Link(socket, context);
        lock (_all) _all.Add(link);
        _accepted.Writer.TryWrite(link);
        await link.ReadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_all) foreach (var link in _all) link.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One connection, seen from Slack's end.</summary>
    public sealed class Link(WebSocket socket, HttpContext context)
    {
        private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
        private readonly List<JsonObject> _received = [];
        private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<JsonObject> Received { get { lock (_received) return [.. _received]; } }

        /// <summary>The status of the bot's close frame; null when the link broke without one.</summary>
        public Task<WebSocketCloseStatus?> Closed => _closed.Task.WaitAsync(Patience);

        /// <summary>Sends one text message, split into <paramref name="fragments"/> frames.</summary>
        public async Task SendAsync(string json, int fragments = 1)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var size = (bytes.Length + fragments - 1) / fragments;
            for (var i = 0; i < fragments; i++)
            {
                var start = Math.Min(i * size, bytes.Length);
                var part = bytes.AsMemory(start, Math.Min(size, bytes.Length - start));
                await socket.SendAsync(part, WebSocketMessageType.Text, i == fragments - 1, CancellationToken.None);
            }
        }

        public async Task<JsonObject> ReceiveAsync() => await _inbox.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        /// <summary>Drops the TCP connection without a close frame, as a network failure would.</summary>
        public void Abort()
        {
            if (_ended) return;
            try { context.Abort(); }
            catch (ObjectDisposedException) { /* the request ended meanwhile */ }
        }

        private volatile bool _ended;

        internal async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            _closed.TrySetResult(result.CloseStatus);
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            return;
                        }
                        message.Write(buffer, 0, result.Count);
                    }
                    while (!result.EndOfMessage);
                    var json = (JsonObject)JsonNode.Parse(message.ToArray())!;
                    lock (_received) _received.Add(json);
                    _inbox.Writer.TryWrite(json);
                }
            }
            catch (Exception)
            {
                // Aborted by either side: no close frame came.
                _closed.TrySetResult(null);
            }
            finally
            {
                _ended = true;
            }
        }
    }
}
