using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

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
