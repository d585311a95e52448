using Bot.Chat;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Notify;
using Bot.Deployments.Pushes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// <c>bot worker --drain</c>: marks abandoned work interrupted, claims and runs every queued job until none is left,
/// delivers the cards and alerts those jobs produced, and exits. This is the worker where nothing may run after an
/// answer (Lambda freezes a function once it has answered; the web function invokes one of these instead), and the
/// safety net a schedule runs every minute. Exit code 0 however the deployments ended; non-zero only when it could not work.
/// </summary>
public static class DrainCommand
{
    public static async Task<int> RunAsync(BotCli cli)
    {
        // Run once a minute on Lambda: the host's start and stop lines would be most of the log (BotLogs.Quiet).
        using var host = BotHost.Build(cli, BotRole.Drain);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        await host.StartAsync(stop.Token).ConfigureAwait(false);
        var services = host.Services;
        var events = services.GetRequiredService<DeployEvents>();
        await events.PrepareAsync(stop.Token).ConfigureAwait(false);
        var ran = await services.GetRequiredService<JobWorker>().DrainAsync(stop.Token).ConfigureAwait(false);

        // What the jobs published still has to reach the chat before the process goes.
        await services.GetRequiredService<DeploymentCards>().IdleAsync().WaitAsync(stop.Token).ConfigureAwait(false);
        await services.GetRequiredService<BackgroundWork>().IdleAsync().WaitAsync(stop.Token).ConfigureAwait(false);
        await services.GetRequiredService<GitHubDeployments>().IdleAsync().WaitAsync(stop.Token).ConfigureAwait(false);
        // Deploy events get one try each (a receiver that is down gets them from the next worker or drain).
        await events.TryPendingOnceAsync(TimeSpan.FromSeconds(20), stop.Token).ConfigureAwait(false);
        // Stopping delivers every final state still waiting for its edit slot (ChatDrain).
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(ran == 0 ? "Nothing was queued." : $"Ran {ran} queued job(s); nothing is left.");
        return 0;
    }
}
