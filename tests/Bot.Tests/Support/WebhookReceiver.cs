using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Support;

/// <summary>
/// A webhook receiver on a loopback Kestrel port: keeps the raw body and headers of each request it answers with a 2xx,
/// and answers what <see cref="Answer"/> says (200 unless told; a <c>Retry-After</c> when <see cref="RetryAfter"/> is set).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Received> _delivered = Channel.CreateUnbounded<Received>();
    private readonly List<Received> _all = [];
    private int _refused;

    public sealed record Received(byte[] Body, string? ContentType, string? Signature, int Answered);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The status to answer a body with.</summary>
    public Func<byte[], int> Answer { get; set; } = _ => 200;

    public int? RetryAfter { get; set; }

    /// <summary>Requests answered with anything but a 2xx.</summary>
    public int NotDelivered => Volatile.Read(ref _refused);

    public List<Received> Delivered { get { lock (_all) return _all.Where(r => r.Answered / 100 == 2).ToList(); } }

    public static async Task<WebhookReceiver> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var self = new WebhookReceiver(app);
        app.MapPost("/hook", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var status = self.Answer(body);
            var received = new Received(body, context.Request.ContentType, context.Request.Headers["X-Deploybot-Signature"], status);
            lock (self._all) self._all.Add(received);
            if (status / 100 == 2) self._delivered.Writer.TryWrite(received);
            else Interlocked.Increment(ref self._refused);
            if (self.RetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        return self;
    }

    /// <summary>Waits until <paramref name="count"/> events in all have been delivered.</summary>
    public async Task<List<Received>> DeliveredAsync(int count)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Delivered.Count < count) await _delivered.Reader.ReadAsync(patience.Token);
        return Delivered;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
