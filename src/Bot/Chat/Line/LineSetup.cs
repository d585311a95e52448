using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

public static class LineSetup
{
    /// <summary>LINE: the Messaging API client, the webhook intake, the platform, and a start-up line.</summary>
    public static IServiceCollection AddLine(this IServiceCollection services, IConfiguration configuration, bool receive = true)
    {
        services.AddLineApi(configuration);
        services.TryAddSingleton<BackgroundWork>();
        services.AddSingleton<LineReplies>();
        services.AddSingleton<LineInbound>();
        services.AddSingleton<LinePlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<LinePlatform>());
        if (receive) services.AddHostedService<LineStartup>();
        return services;
    }
}

/// <summary>Says in one line at start whether LINE is on.</summary>
public sealed class LineStartup(LineOptions options, ILogger<LineStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            logger.LogInformation("LINE is off: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN to turn it on; /line/webhook answers 401 until then.");
        else if (!options.CanSend)
            logger.LogWarning("LINE can receive but not answer: LINE_CHANNEL_ACCESS_TOKEN is not set.");
        else
            logger.LogInformation("LINE is on ({Pushes} push(es) per deployment at most).", options.PushesPerDeploy);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
