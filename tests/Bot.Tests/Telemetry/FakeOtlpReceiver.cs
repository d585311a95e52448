using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector of traces in a dozen lines: Kestrel on a free loopback port, <c>POST /v1/traces</c> with an
/// <c>application/x-protobuf</c> body (kept whole), and <c>GET /ping</c> for a target to call.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<byte[]> Bodies { get; } = new();

    /// <summary>The content types the exports came with.</summary>
    public ConcurrentQueue<string> ContentTypes { get; } = new();

    private FakeOtlpReceiver(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();

    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new FakeOtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.ContentTypes.Enqueue(context.Request.ContentType ?? "");
            receiver.Bodies.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        app.MapGet("/ping", () => "pong");
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Every span received so far.</summary>
    public List<OtlpSpan> Spans() => Bodies.SelectMany(OtlpSpan.Read).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
