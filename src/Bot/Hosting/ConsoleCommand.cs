using Bot.Chat.Console;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Deployments.Pushes;
using Bot.Text;
using Bot.Web;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary><c>chat</c> and <c>send</c>: the terminal as a conversation with the bot.</summary>
public static class ConsoleCommand
{
    private static BotRole Role(bool background) => new()
    {
        // send runs the deployment it queues itself, in the foreground; neither recovers anything but console work.
        // chat: the terminal is the conversation, so log lines go to a file (BotLogs.File) and Ctrl-C is the session's, not the host's.
        Chat = true, Background = background, Worker = background, Logs = background ? BotLogs.File : BotLogs.Terminal,
        Work = new WorkerOptions { RunsOwnRequests = !background, RecoversOnlyFrom = ConsolePlatform.PlatformName },
    };

    private static void AddTerminal(IServiceCollection services, bool background)
    {
        services.AddConsole(Console.Out);
        if (background) services.AddSingleton<IHostLifetime, NoSignalLifetime>();
    }

    /// <summary>
    /// The chat's host. Without a <c>BOT_PUBLIC_URL</c> it serves the log and alert pages itself, on a free loopback port,
    /// so the cards' Full log links open on this machine while the chat runs; with one, the links go there.
    /// </summary>
    private static (IHost Host, string? Pages) BuildChatHost(BotCli cli, bool anyPort)
    {
        string? pages = null;
        var app = BotHost.BuildWeb(cli, Role(background: true), settled: builder =>
        {
            // Links elsewhere: the chat still answers on loopback (any port), where nothing else goes.
            if (builder.Configuration["BOT_PUBLIC_URL"] is { Length: > 0 })
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                return;
            }
            pages = $"http://127.0.0.1:{LoopbackPort(anyPort)}";
            builder.Configuration["BOT_PUBLIC_URL"] = pages;
            builder.WebHost.UseUrls(pages);
        }, more: services => AddTerminal(services, background: true));
        app.MapLogPages();
        return (app, pages);
    }

    /// <summary>Starts the chat's host; when another process took the page port between the probe and the bind, on another.</summary>
    private static async Task<(IHost Host, string? Pages)> StartChatHostAsync(BotCli cli)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (host, pages) = BuildChatHost(cli, anyPort: attempt > 0);
            try
            {
                await host.StartAsync().ConfigureAwait(false);
                return (host, pages);
            }
            catch (IOException) when (pages is not null && attempt < 3)
            {
                host.Dispose();
            }
        }
    }

    /// <summary>The chat's page port: <see cref="PagePort"/> when free, so a link from an earlier chat opens again; else any free one.</summary>
    private static int LoopbackPort(bool anyPort)
    {
        foreach (var port in anyPort ? [0] : new[] { PagePort, 0 })
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            catch (SocketException) when (port != 0) { /* taken: any free port */ }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Next to the example app's 8765.</summary>
    public const int PagePort = 8766;

    /// <summary>Runs one command, follows any deployment it started to the end, and returns the exit code.</summary>
    public static async Task<int> SendAsync(BotCli cli)
    {
        using var host = BotHost.Build(cli, Role(background: false), services => AddTerminal(services, background: false));
        var services = host.Services;
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        await services.GetRequiredService<BotStartup>().EnsureAsync(stop.Token).ConfigureAwait(false);
        // With PostgreSQL, events recorded by the process that runs the job wake this one's follower at once.
        var listener = services.GetService<PostgresJobListener>();
        if (listener is not null) await listener.StartAsync(stop.Token).ConfigureAwait(false);
        // send runs what it queues itself, so it tells GitHub too, before it exits.
        var github = services.GetRequiredService<GitHubDeployments>();
        await github.StartAsync(stop.Token).ConfigureAwait(false);
        try
        {
            var ok = await ConsoleSend.RunAsync(services, ConsolePlatform.User(cli.UserName), cli.Text!, stop.Token).ConfigureAwait(false);
            await Task.WhenAny(github.IdleAsync(), Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
            return ok ? 0 : 1;
        }
        finally
        {
            await github.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (listener is not null) await listener.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>On leaving the chat, lets deployments that are still queued or running finish (Ctrl-C stops them).</summary>
    private static async Task WaitForActiveAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<IDeploymentStore>();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var told = false;
        try
        {
            while ((await store.ListAsync(null, null, 10, activeOnly: true, stop.Token).ConfigureAwait(false))
                   .Count(d => d.Origin.Platform == ConsolePlatform.PlatformName) is var active and > 0)
            {
                if (!told) Console.WriteLine($"Waiting for {active} deployment(s) to finish; press Ctrl-C to stop them (they will be marked interrupted).");
                told = true;
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { /* Ctrl-C: stop now */ }
    }

    /// <summary>An interactive conversation; deployments run in the background and report as they go.</summary>
    public static async Task<int> ChatAsync(BotCli cli)
    {
        var (host, pages) = await StartChatHostAsync(cli).ConfigureAwait(false);
        using var _ = host;
        var services = host.Services;
        var apps = services.GetRequiredService<AppCatalog>();
        var me = ConsolePlatform.User(cli.UserName);
        var session = new ChatSession(services, me, Console.In, Console.Out);
        session.Listen();
        Say($"Deploybot console. You are {me.UserName}. Apps: {string.Join(", ", apps.Names)}.");
        Say(apps.All.Count > 0
            ? $"Try: deploy {apps.Names.First()} · status · logs {apps.Names.First()} · help"
            : "No apps are configured; see README for the Apps section.");
        // A card nobody typed for should not come as a surprise.
        foreach (var env in apps.All.SelectMany(a => a.ByEnv.Values).Where(e => e.Push.AutoDeploy is not null))
            Say($"A new commit of {env.Push.AutoDeploy} deploys {env.App} ({env.Env}) by itself" +
                (env.Push.Poll is { } every ? $"; the bot looks every {Format.Setting(every)}." : "."));
        Say($"Type quit or press Ctrl-C twice to leave. Warnings go to {Shown(ChatLog(services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()))}.");
        if (pages is not null) Say($"Full log links open here ({pages}) while the chat runs.");
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; session.Interrupt(); };
        Console.CancelKeyPress += onCancel;
        bool interrupted;
        try { interrupted = await session.RunAsync().ConfigureAwait(false); }
        finally { Console.CancelKeyPress -= onCancel; }
        if (interrupted) Console.WriteLine();
        else await WaitForActiveAsync(services).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
        await session.StopWhatWasStartedAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>A line of the chat's greeting, wrapped like the conversation.</summary>
    private static void Say(string line) => Console.Write(ConsolePlatform.Wrap(line, ""));

    /// <summary>A path as short as it can be said: relative below the current folder, else in full.</summary>
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static string ChatLog(Microsoft.Extensions.Configuration.IConfiguration configuration) => BotHost.LogFile(configuration);

    /// <summary>The chat handles Ctrl-C itself (it asks first); the host does not stop on it.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
