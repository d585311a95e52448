using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Deployments.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// <c>bot migrate</c>: applies the store's migrations (PostgreSQL when <c>DATABASE_URL</c> is set, else the SQLite
/// file under <c>DATA_DIR</c>) and exits: Heroku's release phase, a deploy hook. Prints one line saying what it did.
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(BotCli cli)
    {
        // Heroku's release phase may run it before every app setting is in place: it needs the store, not the apps.
        using var host = BotHost.Build(cli, BotRole.Tool with { CheckApps = false });
        var options = host.Services.GetRequiredService<BotOptions>();
        var store = host.Services.GetRequiredService<IDeploymentStore>();

        await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);

        Console.WriteLine(store is PostgresDeploymentStore postgres
            ? $"Migrated the PostgreSQL store at {postgres.Where} to schema version {PostgresSchema.Steps.Max(s => s.Version)}."
            : $"Migrated the SQLite store at {options.DatabasePath} to schema version {SqliteSchema.Steps.Max(s => s.Version)}.");
        return 0;
    }
}
