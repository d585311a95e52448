using Bot.Chat;
using Bot.Chat.Console;
using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary><c>chat</c> and <c>send</c>: the terminal as a conversation with the bot.</summary>
public static class ConsoleCommand
{
    private static IHost BuildHost(BotCli cli, bool background)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = cli.PassThrough });
        BotConfiguration.Apply(builder.Configuration, cli);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // send runs the deployment it queues itself, in the foreground.
        if (!background) builder.Services.AddSingleton(new WorkerOptions { RunsOwnRequests = true });
        builder.Services.AddBotCore(builder.Configuration).AddBotChat(builder.Configuration, receive: false);
        builder.Services.AddSingleton(new ConsolePlatform(Console.Out));
        builder.Services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<ConsolePlatform>());
        if (background) builder.Services.AddBotBackground(worker: true);
        var host = builder.Build();
        _ = host.Services.GetRequiredService<AppCatalog>();
        return host;
    }

    private static Origin Me(BotCli cli)
    {
        var name = cli.UserName ?? Environment.GetEnvironmentVariable("USER") ?? Environment.UserName;
        if (string.IsNullOrWhiteSpace(name)) name = "you";
        return new Origin(ConsolePlatform.PlatformName, "console", null, name, name);
    }

    /// <summary>Runs one command, follows any deployment it started to the end, and returns the exit code.</summary>
    public static async Task<int> SendAsync(BotCli cli)
    {
        using var host = BuildHost(cli, background: false);
        var services = host.Services;
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        await services.GetRequiredService<BotStartup>().EnsureAsync(stop.Token).ConfigureAwait(false);
        await services.GetRequiredService<Alerts.AlertRouter>().StartAsync(stop.Token).ConfigureAwait(false);
        var console = services.GetRequiredService<ConsolePlatform>();
        var notifier = services.GetRequiredService<DeploymentNotifier>();
        var worker = services.GetRequiredService<JobWorker>();
        var feed = services.GetRequiredService<DeploymentFeed>();
        using var updates = feed.Subscribe();

        // Tell about work a crashed run left behind before anything new.
        await worker.RecoverAsync(stop.Token).ConfigureAwait(false);
        while (updates.Reader.TryRead(out var old)) await notifier.ShowAsync(old, stop.Token).ConfigureAwait(false);

        var me = Me(cli);
        console.Echo(me.UserName, cli.Text!);
        var result = await services.GetRequiredService<CommandHandler>().HandleAsync(new ChatRequest(me, cli.Text!), stop.Token).ConfigureAwait(false);
        foreach (var message in result.Messages)
            await console.SendAsync(new Conversation(me.Platform, me.Conversation), message, stop.Token).ConfigureAwait(false);
        if (result.Started is not { } started) return result.Ok ? 0 : 1;

        var render = RenderUntilFinishedAsync(updates, notifier, started.Id);
        var finished = await worker.RunOneAsync(started.Id, stop.Token).ConfigureAwait(false);
        if (finished is null)
        {
            // Another process (a running `serve`) took the job: follow it through the store.
            finished = await FollowAsync(services, notifier, started, stop.Token).ConfigureAwait(false);
            updates.Dispose();
        }
        await render.ConfigureAwait(false);
        // Let announcements to other platforms (a failure in the app's alert channels) go out before exiting.
        await services.GetRequiredService<BackgroundWork>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return finished.State == DeploymentState.Succeeded ? 0 : 1;
    }

    private static async Task RenderUntilFinishedAsync(DeploymentFeed.Subscription updates, DeploymentNotifier notifier, long id)
    {
        await foreach (var update in updates.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await notifier.ShowAsync(update, CancellationToken.None).ConfigureAwait(false);
            if (update.Deployment.Id == id && update.Event.Kind == EventKind.State && update.Deployment.IsFinished) return;
        }
    }

    private static async Task<Deployment> FollowAsync(IServiceProvider services, DeploymentNotifier notifier, Deployment started, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDeploymentStore>();
        var seen = 0L;
        while (true)
        {
            var current = await store.GetAsync(started.Id, ct).ConfigureAwait(false) ?? started;
            foreach (var e in await store.EventsAsync(started.Id, seen, 500, ct).ConfigureAwait(false))
            {
                seen = e.Seq;
                if (e.Kind == EventKind.State && e.Text == "queued") continue;
                await notifier.ShowAsync(new DeploymentUpdate(current, e), ct).ConfigureAwait(false);
            }
            if (current.IsFinished) return current;
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
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
        using var host = BuildHost(cli, background: true);
        await host.StartAsync().ConfigureAwait(false);
        var services = host.Services;
        var console = services.GetRequiredService<ConsolePlatform>();
        var handler = services.GetRequiredService<CommandHandler>();
        var apps = services.GetRequiredService<AppCatalog>();
        var me = Me(cli);
        Console.WriteLine($"Deploybot console. You are {me.UserName}. Apps: {string.Join(", ", apps.Names)}.");
        Console.WriteLine(apps.All.Count > 0
            ? $"Try: deploy {apps.Names.First()} · status · logs {apps.Names.First()} · help. Type quit to leave."
            : "No apps are configured; see README for the Apps section. Type quit to leave.");
        while (true)
        {
            Console.Write("> ");
            var line = await Console.In.ReadLineAsync().ConfigureAwait(false);
            if (line is null || line.Trim() is "quit" or "exit" or "q") break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using (await console.HoldProgressAsync().ConfigureAwait(false))
            {
                var result = await handler.HandleAsync(new ChatRequest(me, line), CancellationToken.None).ConfigureAwait(false);
                foreach (var message in result.Messages)
                    await console.SendAsync(new Conversation(me.Platform, me.Conversation), message, CancellationToken.None).ConfigureAwait(false);
            }
        }
        await WaitForActiveAsync(services).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
        return 0;
    }
}
