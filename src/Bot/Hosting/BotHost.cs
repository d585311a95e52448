using Bot.Configuration;
using Bot.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>The one host builder: configuration sources, logging, and the services a <see cref="BotRole"/> asks for.</summary>
public static class BotHost
{
    public static IHost Build(BotCli cli, BotRole role, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = HostArgs(cli) });
        Configure(builder, cli, role, more: more);
        var host = builder.Build();
        Check(host.Services, role);
        return host;
    }

    /// <summary>As <see cref="Build"/>, with a web server; <paramref name="settled"/> may choose where it listens.</summary>
    public static WebApplication BuildWeb(BotCli cli, BotRole role, Action<WebApplicationBuilder>? settled = null, Action<IServiceCollection>? more = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = HostArgs(cli) });
        Configure(builder, cli, role, () => settled?.Invoke(builder), more);
        var app = builder.Build();
        Check(app.Services, role);
        return app;
    }

    /// <summary>
    /// The host's arguments. Settings are read once at start (and checked then), so <c>appsettings.json</c> is not watched
    /// for changes: watching it sets an inotify watch on every folder under the working directory, which costs a start
    /// from a repository or from <c>/</c> tens of milliseconds to seconds before the port opens.
    /// </summary>
    public static string[] HostArgs(BotCli cli) => ["--hostBuilder:reloadConfigOnChange=false", .. cli.PassThrough];

    /// <param name="settled">Runs once the settings are read, before any service is added (a test server, a port).</param>
    /// <param name="more">Runs after the bot's own services and before the background ones (a platform, a fake).</param>
    public static void Configure(IHostApplicationBuilder builder, BotCli cli, BotRole role, Action? settled = null, Action<IServiceCollection>? more = null)
    {
        BotConfiguration.Apply(builder.Configuration, cli);
        settled?.Invoke();
        UseLogs(builder.Logging, builder.Services, role.Logs, builder.Configuration);
        if (role.Work is { } work) builder.Services.AddSingleton(work);
        builder.Services.AddBotCore(builder.Configuration);
        builder.Services.AddTraces(builder.Configuration);
        if (role.Chat) builder.Services.AddBotChat(builder.Configuration, role.Receive);
        more?.Invoke(builder.Services);
        if (role.Background) builder.Services.AddBotBackground(role.Worker, role.Cards);
    }

    /// <summary>Reads what start-up must be able to read (the apps), so a mistake stops the process before it serves.</summary>
    public static void Check(IServiceProvider services, BotRole role)
    {
        if (role.CheckApps) _ = services.GetRequiredService<AppCatalog>();
        OperatorSignals.StartTraces(services);
    }

    /// <summary>Where <see cref="BotLogs.File"/> writes.</summary>
    public static string LogFile(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Path.Combine(BotServices.ReadOptions(configuration).DataDir, "chat.log");

    private static void UseLogs(ILoggingBuilder logging, IServiceCollection services, BotLogs logs, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        // Read for every role, so a wrong value stops any verb; only the server roles write to stdout for a platform to parse.
        if (OperatorSignals.JsonLogs(configuration) && logs is BotLogs.Server or BotLogs.Quiet) OperatorSignals.UseJsonConsole(logging);
        switch (logs)
        {
            case BotLogs.Quiet:
                logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
                break;
            case BotLogs.Terminal:
                logging.ClearProviders();
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.AddFilter((_, level) => level >= LogLevel.Warning);
                services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                break;
            case BotLogs.File:
                logging.ClearProviders();
                // And what pushes do, a few lines each: where polling found a branch, a move it saw, a push that waits.
                logging.AddFilter((category, level) => level >= LogLevel.Warning
                    || (level >= LogLevel.Information && category?.StartsWith("Bot.Deployments.Pushes.", StringComparison.Ordinal) == true));
                logging.AddProvider(new FileLoggerProvider(LogFile(configuration), TimeProvider.System));
                break;
            case BotLogs.None:
                logging.ClearProviders();
                break;
        }
        // Request-by-request lines cost more than the requests; keep warnings and the bot's own messages.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Server logs too pass through the redactor: a token in an exception's message never reaches stdout.
        services.RedactLogs();
    }
}
