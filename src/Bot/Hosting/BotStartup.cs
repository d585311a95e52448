using Bot.Configuration;
using Bot.Deployments;
using Bot.Processes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// Runs before anything else: checks the configuration (a bad key stops startup), applies store
/// migrations, and creates the git repository of apps that ask for it (<c>InitRepository</c>).
/// </summary>
public sealed class BotStartup(AppCatalog apps, IDeploymentStore store, ILogger<BotStartup> logger) : IHostedService
{
    private bool _done;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_done) return;
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        foreach (var env in apps.All.Select(a => a.Default))
            await InitRepositoryAsync(env, cancellationToken).ConfigureAwait(false);
        _done = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// <c>InitRepository</c>: a command run once in a local <c>Repository</c> folder that is not a git
    /// repository yet (the bundled example uses it to create its history on first run).
    /// </summary>
    private async Task InitRepositoryAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        if (app.Section["InitRepository"] is not { Length: > 0 } command || app.Repository is null || app.Repository.Contains("://")) return;
        var folder = Path.GetFullPath(app.Repository);
        if (!Directory.Exists(folder))
            throw new ConfigException(app.KeyOf("Repository"), $"the folder {folder} does not exist");
        if (Directory.Exists(Path.Combine(folder, ".git")) || File.Exists(Path.Combine(folder, "HEAD"))) return;
        logger.LogInformation("Creating the git repository of {App} in {Folder}", app.App, folder);
        var output = new List<string>();
        var outcome = await ChildProcess.RunAsync(ChildProcess.Shell(command, folder, null, TimeSpan.FromMinutes(1)),
            (line, _) => { lock (output) output.Add(line); }, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode != 0)
            throw new ConfigException(app.KeyOf("InitRepository"), $"exited with {outcome.ExitCode}: {output.LastOrDefault()}");
    }

    /// <summary>For the console modes, which use the services without starting the host.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);
}
