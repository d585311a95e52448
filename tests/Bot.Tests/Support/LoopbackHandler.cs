using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Support;

/// <summary>
/// Puts an in-process fake (an <see cref="HttpMessageHandler"/> such as FakeSlackApi) on a loopback Kestrel port,
/// so that a bot in a child process reaches it: each request is handed to the fake as if it had been sent to
/// <c>origin</c> + its path, and the fake's answer goes back as it is.
/// </summary>
public sealed class LoopbackHandler : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHandler(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri Url { get; }

    /// <summary>Raised with each request's path once the fake has answered it (a test waits for a call without polling).</summary>
    public event Action<string>? Answered;

    public static async Task<LoopbackHandler> StartAsync(HttpMessageHandler fake, Uri origin)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(fake, disposeHandler: false);
        LoopbackHandler? self = null;
        app.Run(async context =>
        {
            await ForwardAsync(context, invoker, origin);
            self?.Answered?.Invoke(context.Request.Path.Value ?? "/");
        });
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return self = new LoopbackHandler(app, url);
    }

    private static async Task ForwardAsync(HttpContext context, HttpMessageInvoker fake, Uri origin)
    {
        var incoming = context.Request;
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body);
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(origin, incoming.Path + incoming.QueryString));
        if (body.Length > 0 || incoming.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
            if (incoming.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        foreach (var (name, values) in incoming.Headers)
            if (!name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && name is not ("Host" or "Transfer-Encoding"))
                request.Headers.TryAddWithoutValidation(name, values.ToArray());

        using var response = await fake.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (name is not "Transfer-Encoding" and not "Content-Length") context.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
