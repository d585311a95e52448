using Bot.Configuration;
using Bot.Deployments.Notify;
using Bot.Deployments.Postgres;
using Bot.Deployments.Pushes;
using Bot.Sources;
using Bot.Deployments.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Deployments;

public static class DeploymentSetup
{
    /// <summary>
    /// The engine: the store (PostgreSQL when <c>DATABASE_URL</c> is set, else the SQLite file), the feed that follows
    /// deployments, the job worker and runner, the service that decides, and alert routing. A store, feed options or
    /// worker options registered before are kept (a test's, a console's).
    /// </summary>
    public static IServiceCollection AddDeployments(this IServiceCollection services, BotOptions options, IConfiguration configuration)
    {
        if (options.DatabaseUrl is { } url)
        {
            // Read now, so a malformed URL stops startup with one line naming DATABASE_URL.
            var connectionString = PostgresUrl.ToConnectionString(url);
            services.TryAddSingleton(_ => new PostgresDeploymentStore(connectionString));
            services.TryAddSingleton<IDeploymentStore>(sp => sp.GetRequiredService<PostgresDeploymentStore>());
            services.TryAddSingleton(FeedOptions.Postgres);
            services.AddSingleton<PostgresJobListener>();
        }
        else
        {
            services.TryAddSingleton<IDeploymentStore>(_ => new SqliteDeploymentStore(options.DatabasePath));
            services.TryAddSingleton(FeedOptions.Sqlite);
        }

        services.AddSingleton<DeploymentFeed>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<WorkerIdentity>();
        services.TryAddSingleton(new WorkerOptions());
        services.AddSingleton<AppSnapshots>();
        services.AddSingleton<RollbackPlanner>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<DeploymentRunner>();
        services.AddSingleton<DeploymentSignals>();
        services.AddSingleton<JobWorker>();
        services.AddSingleton(AlertOptions.From(configuration));
        services.AddSingleton<AlertRouter>();
        services.AddSingleton<GateSignal>();
        services.TryAddSingleton<ICommitChecks, GitHubGate>();
        services.AddSingleton<PushDeploys>();
        services.AddSingleton<IPushSink>(sp => sp.GetRequiredService<PushDeploys>());
        services.AddSingleton<WaitingDeployments>();
        services.AddSingleton<RepositoryPoller>();
        services.AddSingleton<GitHubDeployments>();
        services.AddDeployEvents(configuration, postgres: options.DatabaseUrl is not null);
        // Read now, so a wrong age or an unknown key under Retention stops startup with one line.
        // PostgreSQL has no single writer to leave to requests: a run may take half of one connection's time there.
        var retention = Retention.RetentionOptions.From(configuration);
        if (options.DatabaseUrl is not null) retention = retention with { WriterShare = Retention.RetentionOptions.PostgresWriterShare };
        services.TryAddSingleton(retention);
        services.AddSingleton<Retention.RetentionWorker>();
        services.AddSingleton<Stats.LeadTimes>();
        services.AddSingleton<Stats.DeploymentStats>();
        return services;
    }
}
