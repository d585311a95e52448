using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Support;

/// <summary>
/// Puts an in-process fake (an <see cref="HttpMessageHandler"/> such as <c>FakeSlackApi</c>) on a loopback port, so
/// that real <c>bot</c> processes started by a test talk to it over HTTP. Each request is handed to the fake at the
/// address it would have had (<paramref name="map"/>), and its answer is copied back.
/// </summary>
public sealed class HandlerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HandlerServer(WebApplication app) => (_app, Address) = (app, new Uri(app.Urls.Single()));

    public Uri Address { get; }

    public static async Task<HandlerServer> StartAsync(HttpMessageHandler handler, Func<string, Uri> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        app.Run(async context =>
        {
            var target = map(context.Request.Path + context.Request.QueryString);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
            foreach (var (name, values) in context.Request.Headers)
                if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
                    request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            using var answer = await invoker.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
                if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    context.Response.Headers[name] = values.ToArray();
            await answer.Content.CopyToAsync(context.Response.Body);
        });
        await app.StartAsync();
        return new HandlerServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
