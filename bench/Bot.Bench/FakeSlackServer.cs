using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// Just enough of Slack's Web API on loopback for the bot to post and edit its cards; records when each
/// message arrives (Stopwatch ticks), so the benchmark can time a command to its first feedback.
/// </summary>
public sealed class FakeSlackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _ts = 1_700_000_000_000_000;

    public ConcurrentQueue<(long At, string Method, string Channel, string Text)> Messages { get; } = new();

    private FakeSlackServer(WebApplication app) => _app = app;

    public Uri ApiBase { get; private set; } = null!;

    public static async Task<FakeSlackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeSlackServer(app);
        app.MapPost("/api/{method}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.ApiBase = new Uri(address.TrimEnd('/') + "/api/");
        return server;
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        var at = Stopwatch.GetTimestamp();
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var args = context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            ? JsonNode.Parse(body) as JsonObject ?? []
            : [];
        var channel = (string?)args["channel"] ?? "";
        if (method is "chat.postMessage" or "chat.update")
            Messages.Enqueue((at, method, channel, (string?)args["text"] ?? ""));
        var ts = $"{Interlocked.Increment(ref _ts) / 1_000_000}.{_ts % 1_000_000:D6}";
        var answer = method switch
        {
            "auth.test" => new JsonObject { ["ok"] = true, ["user_id"] = "U0BENCHBOT", ["bot_id"] = "B0BENCH", ["team"] = "Bench", ["url"] = "https://bench.slack.test/" },
            "users.info" => new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "steve", ["profile"] = new JsonObject { ["display_name"] = "Steve" } } },
            _ => new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = (string?)args["ts"] ?? ts },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
