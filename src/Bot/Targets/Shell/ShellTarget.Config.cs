using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets.Config;
using Bot.Text;

namespace Bot.Targets.Shell;

/// <summary>
/// Config vars and tasks on the bot's own host. A change writes the app's env file (<see cref="ShellEnvFile"/>) and runs
/// the live release's <c>Deploy</c> and <c>Health</c> again with it; if that fails, the old file is put back before the
/// engine puts the release back, so what serves afterwards is what served before. A task runs its command in the live
/// release folder with the same environment as the steps.
/// </summary>
public sealed partial class ShellTarget : IHasConfig, IRunsTasks
{
    public Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken)
    {
        var file = EnvFile(app);
        var vars = file.Read().OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ConfigVar(kv.Key, fingerprints.Of(kv.Key, kv.Value.Value), null, kv.Value.ChangedAt, kv.Value.ChangedBy is { } n ? $"#{n}" : null))
            .ToList();
        return Task.FromResult(new ConfigListing(vars, "the bot's env file on its host"));
    }

    public async IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var app = request.App;
        var settings = ShellSettings.Read(app);
        var folders = new ReleaseFolders(options.DataDir, app.App, app.Env);
        var file = EnvFile(app);
        var vars = file.Read();
        var missing = request.Change.Unset.Where(n => !vars.ContainsKey(n)).ToList();
        if (missing.Count > 0) yield return new Notice($"Not set, so nothing to unset: {string.Join(", ", missing)}.");
        var now = time.GetUtcNow();
        foreach (var name in request.Change.Unset) vars.Remove(name);
        foreach (var (name, value) in request.Change.Set)
            if (!vars.TryGetValue(name, out var old) || old.Value != value) vars[name] = new ShellEnvFile.Var(value, request.Number, now);
        yield return new StepStarted("config");
        var started = time.GetTimestamp();
        var live = folders.Current;
        if (live is not null) file.BeginChange();
        file.Write(vars);
        yield return new StepFinished("config", time.GetElapsedTime(started));

        if (live is null)
        {
            yield return new Notice($"No release of {app.App} is live in {app.Env} yet: the next deploy starts with these values.");
            yield break;
        }
        yield return new Notice($"Running release {live} again with the new values.");
        var (gitRef, sha) = folders.ReadMeta(live);
        var done = false;
        var steps = GoLiveAsync(app, settings, folders, live, gitRef, sha, request.Number, build: false, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                DeployEvent next;
                try
                {
                    if (!await steps.MoveNextAsync().ConfigureAwait(false)) break;
                    next = steps.Current;
                }
                catch (DeployFailedException e)
                {
                    file.RollBack();
                    throw new DeployFailedException($"{e.Message} The previous values are back in the env file.", e.Hint);
                }
                yield return next;
            }
            done = true;
            file.Commit();
        }
        finally
        {
            // The old values first (a cancel, a shutdown): the engine then puts the release back with them. After a kill,
            // the put-back of whichever process finds it interrupted does this (PutBackAsync).
            if (!done) file.RollBack();
            await steps.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var app = request.App;
        var task = request.Task;
        var settings = ShellSettings.Read(app);
        var folders = new ReleaseFolders(options.DataDir, app.App, app.Env);
        var live = folders.Current
            ?? throw new DeployFailedException($"No release of {app.App} is live in {app.Env}, so {task.Name} has nothing to run in.", $"Deploy first: `deploy {app.App}`.");
        var (gitRef, sha) = folders.ReadMeta(live);
        var env = Environment(app, settings, folders, live, null, gitRef, sha, request.Number);
        yield return new StepStarted(task.Name);
        yield return new Notice($"Running `{task.Command}` in release {live}.");
        var result = new StepResult();
        await foreach (var e in StepRunner.RunAsync(task.Command!, folders.PathOf(live), env, task.Timeout, result, streamOutput: true, time, cancellationToken).ConfigureAwait(false))
            yield return e;
        cancellationToken.ThrowIfCancellationRequested();
        if (result.TimedOut)
            throw new DeployFailedException($"{task.Name} did not finish within {Format.Duration(task.Timeout)} and was stopped.",
                $"Raise `{task.KeyPath}:Timeout` if it needs longer.");
        if (!result.Succeeded)
            throw new DeployFailedException($"{task.Name} exited with status {result.ExitCode} after {Format.Duration(result.Elapsed)}.",
                $"Its output is on the card and the log page; type `run {app.App} {task.Name}` to run it again.");
        yield return new StepFinished(task.Name, result.Elapsed);
        yield return new Notice($"{task.Name} exited with status 0 after {Format.Duration(result.Elapsed)}.");
    }

    private ShellEnvFile EnvFile(AppEnvConfig app) => new(new ReleaseFolders(options.DataDir, app.App, app.Env).Root);
}
