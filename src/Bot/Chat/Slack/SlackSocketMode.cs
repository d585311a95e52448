using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack Socket Mode: slash commands, interactions and events arrive over a WebSocket the bot opens,
/// so no public HTTP endpoint is needed. Keeps one connection up: when Slack announces a <c>disconnect</c>
/// the next connection is opened before the old one is closed; when a connection drops or cannot be
/// opened, it waits (growing waits, see <see cref="SlackSocketModeOptions.RetryDelay"/>) and tries again.
/// Does nothing unless <see cref="SlackOptions.SocketMode"/>.
/// </summary>
public sealed class SlackSocketMode(
    SlackOptions slack,
    SlackSocketModeOptions options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<SlackSocketMode> logger) : BackgroundService
{
    private int _opened;
    private int _failures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!slack.SocketMode)
        {
            logger.LogInformation("Slack Socket Mode is off (it needs both SLACK_APP_TOKEN and SLACK_BOT_TOKEN)");
            return;
        }
        // Resolved only now: with Socket Mode off, neither needs to be registered.
        var urls = services.GetRequiredService<ISlackSocketUrl>();
        var dispatcher = new SlackSocketDispatcher(services.GetRequiredService<ISlackInbound>(), options, time, logger, services.GetService<Bot.Telemetry.BotMetrics>());
        SlackSocketConnection? current = null;
        try
        {
            while (true)
            {
                current ??= await ConnectAsync(urls, dispatcher, stoppingToken).ConfigureAwait(false);
                await Task.WhenAny(current.Closed, current.Disconnecting).WaitAsync(stoppingToken).ConfigureAwait(false);
                if (current.Disconnecting.IsCompleted)
                {
                    // Announced, so not a failure: no wait, and the old link keeps acking until the new one is up.
                    var next = await ConnectAsync(urls, dispatcher, stoppingToken).ConfigureAwait(false);
                    await current.CloseAsync().ConfigureAwait(false);
                    await current.DisposeAsync().ConfigureAwait(false);
                    current = next;
                    continue;
                }
                var reason = await current.Closed.ConfigureAwait(false);
                if (time.GetElapsedTime(current.OpenedAt) >= options.StableAfter) _failures = 0;
                await current.DisposeAsync().ConfigureAwait(false);
                var number = current.Number;
                current = null;
                await WaitToRetryAsync($"connection {number} dropped ({reason})", stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (current is not null)
            {
                await current.CloseAsync().ConfigureAwait(false);
                await current.DisposeAsync().ConfigureAwait(false);
                logger.LogInformation("Closed Slack Socket Mode connection {Number}", current.Number);
            }
            await dispatcher.DrainAsync().ConfigureAwait(false);
        }
    }

    private async Task<SlackSocketConnection> ConnectAsync(ISlackSocketUrl urls, SlackSocketDispatcher dispatcher, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var url = await urls.OpenAsync(stoppingToken).ConfigureAwait(false);
                var connection = await SlackSocketConnection.OpenAsync(url, _opened + 1,
                    (envelope, on) => dispatcher.DispatchAsync(envelope, on, stoppingToken),
                    options, time, logger, stoppingToken).ConfigureAwait(false);
                _opened = connection.Number;
                logger.LogInformation("Connected to Slack Socket Mode (connection {Number})", connection.Number);
                return connection;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                await WaitToRetryAsync($"could not connect ({e.Message})", stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private Task WaitToRetryAsync(string what, CancellationToken stoppingToken)
    {
        var delay = options.RetryDelay(++_failures, Random.Shared.NextDouble());
        logger.LogWarning("Slack Socket Mode {What}; trying again in {Delay:0.0} s", what, delay.TotalSeconds);
        return Task.Delay(delay, time, stoppingToken);
    }
}
