using Bot.Alerts;
using Bot.Chat;
using Bot.Chat.Line;
using Bot.Chat.Slack;
using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Notify;
using Bot.Deployments.Postgres;
using Bot.Deployments.Pushes;
using Bot.Security;
using Bot.Sources;
using Bot.Sources.GitHub;
using Bot.Targets;
using Bot.Targets.CloudRun;
using Bot.Targets.Ecs;
using Bot.Targets.Heroku;
using Bot.Targets.Lambda;
using Bot.Targets.Shell;
using Bot.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>Everything the bot is made of, registered once for every way it runs (serve, worker, chat, send).</summary>
public static class BotServices
{
    public static IServiceCollection AddBotCore(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Redactor.Default);
        services.AddMetrics();
        services.AddSingleton<Telemetry.BotMetrics>();
        // One line per failure, from our own code: not a line per HTTP request, nor Polly's own line (and stack trace) per attempt.
        services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning).AddFilter("Polly", LogLevel.None));

        services.AddShell();
        services.AddHeroku(configuration);
        services.AddGitHub(configuration);
        services.AddLambda(configuration);
        if (configuration[LambdaWake.Key] is { Length: > 0 } wake)
            services.AddSingleton<IJobWaker>(sp => new LambdaWake(sp.GetRequiredService<LambdaApi>(), wake, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LambdaWake>>()));
        services.AddAwsAlerts();
        services.AddCloudRun(configuration);
        services.AddEcs(configuration);
        services.AddGcpAlerts(configuration);
        services.AddLogPages(configuration);
        services.AddSingleton<TargetRegistry>();
        services.AddSingleton(sp => LoadApps(configuration, sp.GetRequiredService<TargetRegistry>()));
        services.AddSingleton<GitRepositories>();

        services.AddDeployments(options, configuration);
        services.AddCommands(configuration);
        services.AddChat();
        services.AddSingleton<BotStartup>();
        return services;
    }

    /// <summary>
    /// The chat platforms that talk to the outside (Slack, LINE); the console registers itself. Without
    /// <paramref name="receive"/> (the console modes) they only send: no Socket Mode connection, no start-up checks.
    /// </summary>
    public static IServiceCollection AddBotChat(this IServiceCollection services, IConfiguration configuration, bool receive = true) =>
        services.AddSlack(configuration, receive).AddLine(configuration, receive);

    /// <summary>
    /// The background parts: migrations and repository set-up first, then the deployment cards and (optionally) the job worker.
    /// Without <paramref name="cards"/> (<c>serve --no-worker</c>) the process that runs a job posts its card, so a web
    /// process frozen after answering (Lambda) leaves nothing half-sent.
    /// </summary>
    public static IServiceCollection AddBotBackground(this IServiceCollection services, bool worker, bool cards = true)
    {
        // Stopped in the reverse order: the worker ends its jobs, the cards show their ends, the chat drain delivers them.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddHostedService<ChatDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<BotStartup>());
        // Before the worker: a state it reaches as it starts is counted and logged.
        services.AddHostedService(sp => sp.GetRequiredService<DeploymentSignals>());
        if (cards)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DeploymentCards>());
            // GitHub hears of a state only from the process that made it, so wherever the cards run (with or without the
            // worker): not in serve --no-worker, which may be frozen after answering; the worker that starts a deploy
            // creates its GitHub deployment there. Stopped after the worker, so its interrupted deploys are told.
            services.AddHostedService(sp => sp.GetRequiredService<GitHubDeployments>());
        }
        if (worker)
        {
            services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
            // Only workers let waiting deployments go and poll repositories (the gate and the poll coordinate through the store).
            services.AddHostedService(sp => sp.GetRequiredService<WaitingDeployments>());
            services.AddHostedService(sp => sp.GetRequiredService<RepositoryPoller>());
            // Deploy events go out from workers only (one per webhook at a time, by a lease in the store).
            services.AddHostedService(sp => sp.GetRequiredService<DeployEvents>());
            // Old output and audit entries are removed by workers only (one at a time, by a lease in the store).
            services.AddHostedService(sp => sp.GetRequiredService<Deployments.Retention.RetentionWorker>());
        }
        // With PostgreSQL, other processes queue work and record events too: their NOTIFY wakes this worker and its followers.
        if (services.Any(s => s.ServiceType == typeof(PostgresJobListener)))
            services.AddHostedService<PostgresJobListener>();
        return services;
    }

    public static BotOptions ReadOptions(IConfiguration configuration)
    {
        var dataDir = configuration["DATA_DIR"] is { Length: > 0 } d ? d : "data";
        var groups = configuration.GetSection("Groups").GetChildren()
            .ToDictionary(g => g.Key, g => AppCatalog.List(configuration.GetSection("Groups"), g.Key), StringComparer.OrdinalIgnoreCase);
        return new BotOptions(Path.GetFullPath(dataDir), groups, AppCatalog.List(configuration, "Admins"))
        {
            DatabaseUrl = configuration["DATABASE_URL"] is { Length: > 0 } url ? url : null,
        };
    }

    private static AppCatalog LoadApps(IConfiguration configuration, TargetRegistry targets)
    {
        var catalog = AppCatalog.Load(configuration, targets.Kinds);
        foreach (var app in catalog.All)
            foreach (var env in app.ByEnv.Values)
                targets.Get(app.Target).Validate(env);
        return catalog;
    }
}
