using Bot.Alerts;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Sources.GitHub;
using Bot.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary><c>serve</c>: the web endpoints plus the job worker (without it: <c>--no-worker</c>); <c>worker</c>: the job worker alone.</summary>
public static class ServeCommand
{
    /// <summary>
    /// Builds the web app. Tests pass <paramref name="configure"/> (runs before services are registered:
    /// a test server, settings) and <paramref name="replace"/> (runs after: fakes for real services).
    /// </summary>
    public static WebApplication Build(BotCli cli, Action<WebApplicationBuilder>? configure = null, Action<IServiceCollection>? replace = null)
    {
        var app = BotHost.BuildWeb(cli, BotRole.Serve(worker: !cli.NoWorker), settled: builder =>
        {
            configure?.Invoke(builder);
            if (builder.Configuration["PORT"] is { Length: > 0 } port && builder.Configuration["urls"] is null)
                builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        }, more: services =>
        {
            services.AddMetricsEndpoint();
            replace?.Invoke(services);
        });
        app.MapBotEndpoints();
        return app;
    }

    public static async Task<int> RunAsync(BotCli cli)
    {
        await using var app = Build(cli);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> RunWorkerAsync(BotCli cli)
    {
        using var host = BotHost.Build(cli, BotRole.Jobs);
        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }

    public static void MapBotEndpoints(this WebApplication app)
    {
        app.MapSlackEndpoints();
        app.MapLineEndpoints();
        app.MapGenericAlerts();
        app.MapHerokuAlerts();
        app.MapGitHubWebhook();
        app.MapAwsAlerts();
        app.MapGcpAlerts();
        app.MapLogPages();
        app.MapMetrics();
        app.MapGet(HealthCommand.Path, () => Results.Text("ok"));
        app.MapGet("/readyz", async (IDeploymentStore store, CancellationToken ct) =>
            await store.PingAsync(ct).ConfigureAwait(false) ? Results.Text("ready") : Results.Text("store unreachable", statusCode: 503));
    }
}
