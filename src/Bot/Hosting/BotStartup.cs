using Bot.Configuration;
using Bot.Deployments;
using Bot.Processes;
using Bot.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// Runs before anything else: checks the configuration (a bad key stops startup), applies store
/// migrations, and creates the git repository of apps that ask for it (<c>InitRepository</c>).
/// </summary>
public sealed class BotStartup(AppCatalog apps, IDeploymentStore store, GitRepositories git, ILogger<BotStartup> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _done;

    public Task StartAsync(CancellationToken cancellationToken) => StartAsync(warm: true, cancellationToken);

    /// <summary>The background fetch of the apps' repositories started with the host, for tests to wait on.</summary>
    public Task Warming { get; private set; } = Task.CompletedTask;

    private async Task StartAsync(bool warm, CancellationToken cancellationToken)
    {
        if (_done) return;
        // The first deploy command needs its app's clone: fetching it beside the migrations and the server's start
        // takes it off that command's path (a command that comes sooner waits for this fetch, not another one).
        // A repository InitRepository has yet to create is left to the first command.
        if (warm && Warming.IsCompleted)
        {
            var ready = apps.All.Select(a => a.Default).Where(env => env.Section["InitRepository"] is not { Length: > 0 }).ToList();
            Warming = Task.Run(() => git.WarmAsync(ready, _stopping.Token), CancellationToken.None);
        }
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        foreach (var env in apps.All.Select(a => a.Default))
            await InitRepositoryAsync(env, cancellationToken).ConfigureAwait(false);
        CheckRepositories();
        _done = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        // A clone cut short is left for the next fetch to finish; nothing may still write in DATA_DIR once stopped.
        try { await Warming.WaitAsync(cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { /* stopping for good: the host's own time is up */ }
    }

    /// <summary>
    /// A local <c>Repository</c> that is not there stops startup; a remote one is asked once in the background,
    /// and one that does not answer is a warning (the network may come back before anyone deploys).
    /// </summary>
    /// <summary>The background look at remote repositories, for tests to wait on.</summary>
    public Task RemoteChecks { get; private set; } = Task.CompletedTask;

    private void CheckRepositories()
    {
        var remotes = new List<AppEnvConfig>();
        foreach (var env in apps.All.SelectMany(a => a.ByEnv.Values))
        {
            if (env.Repository is not { } repo) continue;
            if (IsRemote(repo))
            {
                if (!remotes.Any(r => r.Repository == repo)) remotes.Add(env);
                continue;
            }
            var folder = Path.GetFullPath(repo.StartsWith("file:", StringComparison.Ordinal) ? new Uri(repo).LocalPath : repo);
            if (!Directory.Exists(folder))
                throw new ConfigException(env.KeyOf("Repository"), $"the folder {folder} does not exist");
        }
        RemoteChecks = Task.WhenAll(remotes.Select(env => Task.Run(async () =>
            {
                try
                {
                    if (await git.ProbeAsync(env, _stopping.Token).ConfigureAwait(false) is { } reason && !_stopping.IsCancellationRequested)
                        logger.LogWarning("{Key} cannot be reached now ({Reason}); deploys of {App} fail until it can", env.KeyOf("Repository"), reason, env.App);
                }
                catch (OperationCanceledException) { /* the bot is stopping */ }
            })));
    }

    private static bool IsRemote(string repo) =>
        (repo.Contains("://", StringComparison.Ordinal) && !repo.StartsWith("file:", StringComparison.Ordinal)) || repo.StartsWith("git@", StringComparison.Ordinal);

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
    public Task EnsureAsync(CancellationToken cancellationToken) => StartAsync(warm: false, cancellationToken);
}
