using System.Collections;
using Bot.Text;
using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Security;

namespace Bot.Targets.Shell;

/// <summary>
/// Deploys on the bot's own host: checks the commit out into a new release folder, runs the app's
/// <c>Build</c>, <c>Deploy</c> and <c>Health</c> commands there. Once <c>Deploy</c> starts, the engine has the previous
/// release put back (<see cref="IPutsBack"/>) if the new one does not end up live. Rollback re-runs <c>Deploy</c> in an
/// older release folder.
/// </summary>
public sealed partial class ShellTarget(BotOptions options, TimeProvider time, Redactor? redactor = null) : IDeployTarget, ICleansUpInterrupted, IPutsBack
{
    public string Kind => "shell";

    public void Validate(AppEnvConfig app)
    {
        ShellSettings.Read(app);
        foreach (var task in app.Tasks.Values)
            if (task.Command is null)
                throw new ConfigException(task.KeyPath, "a shell task needs a Command, e.g. \"python manage.py migrate\"");
        if (app.Repository is null)
            throw new ConfigException(app.KeyOf("Repository"), "missing; the shell target checks the app out of a git repository (a path, file:// or https URL)");
    }

    public Task<string?> CleanUpAsync(AppEnvConfig app, int number, CancellationToken cancellationToken) => Task.FromResult(CleanUp(app));

    /// <summary>Stops a step that a killed bot left running for this app/environment.</summary>
    private string? CleanUp(AppEnvConfig app) =>
        new StepPidFile(new ReleaseFolders(options.DataDir, app.App, app.Env).Root).StopLeftover() is { } group
            ? $"Stopped processes an interrupted run left going (process group {group})."
            : null;

    public async IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = ShellSettings.Read(request.App);
        var folders = new ReleaseFolders(options.DataDir, request.App.App, request.App.Env);
        var commit = request.Commit ?? throw new DeployFailedException($"{request.App.App} has no commit to deploy.", "Set `Repository` for the app.");
        var release = $"{request.Number}-{commit.ShortSha}";
        if (CleanUp(request.App) is { } leftover) yield return new Notice(leftover, IsWarning: true);

        yield return new StepStarted("checkout");
        var started = time.GetTimestamp();
        await request.Source!.ExtractToAsync(folders.PathOf(release), cancellationToken).ConfigureAwait(false);
        folders.WriteMeta(release, commit.Ref, commit.Sha);
        yield return new StepFinished("checkout", time.GetElapsedTime(started));

        await foreach (var e in GoLiveAsync(request.App, settings, folders, release, commit.Ref, commit.Sha, request.Number, build: true, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    public async IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = ShellSettings.Read(request.App);
        var folders = new ReleaseFolders(options.DataDir, request.App.App, request.App.Env);
        var release = request.Release;
        var build = false;
        if (CleanUp(request.App) is { } leftover) yield return new Notice(leftover, IsWarning: true);
        if (release is null || !folders.Exists(release))
        {
            // The folder was pruned (or never made here): rebuild the same commit into a new one.
            if (request.Commit is null || request.Source is null)
                throw new DeployFailedException($"Release {release ?? "(none)"} of {request.App.App} is no longer on this host and its commit is unknown.",
                    $"Deploy a ref instead: `deploy {request.App.App} <branch|tag|sha>`.");
            release = $"{request.Number}-{request.Commit.ShortSha}";
            yield return new Notice(request.Release is null
                ? $"Building {request.Commit.Label} as release {release}."
                : $"Release folder {request.Release} is gone; rebuilding {request.Commit.Label} as {release}.");
            yield return new StepStarted("checkout");
            await request.Source.ExtractToAsync(folders.PathOf(release), cancellationToken).ConfigureAwait(false);
            folders.WriteMeta(release, request.Commit.Ref, request.Commit.Sha);
            build = true;
        }
        else
        {
            yield return new Notice($"Putting release {release} back.");
        }
        var (gitRef, sha) = folders.ReadMeta(release);
        await foreach (var e in GoLiveAsync(request.App, settings, folders, release, gitRef ?? request.Commit?.Ref, sha ?? request.Commit?.Sha, request.Number, build, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>Build (optionally), deploy and health-check <paramref name="release"/>; from <c>Deploy</c> on, a failure leaves the put-back to the engine.</summary>
    private async IAsyncEnumerable<DeployEvent> GoLiveAsync(
        AppEnvConfig app, ShellSettings settings, ReleaseFolders folders, string release, string? gitRef, string? sha, int number, bool build,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var previous = folders.Current;
        var dir = folders.PathOf(release);
        Directory.CreateDirectory(folders.Shared);
        var env = Environment(app, settings, folders, release, previous, gitRef, sha, number);
        var pid = new StepPidFile(folders.Root);

        if (build && settings.Build is { } buildCommand)
        {
            var result = new StepResult();
            await foreach (var e in Step("build", buildCommand, dir, env, settings.StepTimeout, result, pid, cancellationToken).ConfigureAwait(false))
                yield return e;
            if (!result.Succeeded)
                throw new DeployFailedException($"Build failed ({Describe(result, settings.StepTimeout)}). Nothing was changed: the live release is still {previous ?? "none"}.",
                    $"Fix the build and type `deploy {app.App}` again.");
        }

        yield return new GoingLive(previous);
        var deploy = new StepResult();
        await foreach (var e in Step("deploy", settings.Deploy, dir, env, settings.StepTimeout, deploy, pid, cancellationToken).ConfigureAwait(false))
            yield return e;
        var healthy = deploy.Succeeded;
        var why = deploy.Succeeded ? null : $"Deploy step failed ({Describe(deploy, settings.StepTimeout)})";

        if (healthy && settings.Health is { } health)
        {
            var check = new HealthResult();
            await foreach (var e in HealthAsync(health, dir, env, settings, check, pid, cancellationToken).ConfigureAwait(false))
                yield return e;
            healthy = check.Healthy;
            why = healthy ? null : $"Health check failed for {Format.Duration(settings.HealthTimeout)}{PortNote(settings, folders)}";
        }

        if (!healthy)
            throw new DeployFailedException($"{why}.", $"Type `logs {app.App}` to see why, fix it, and deploy again.");

        folders.SetCurrent(release);
        folders.Prune(settings.KeepReleases, release, previous);
        yield return new Released(release, app.Url);
    }

    private async IAsyncEnumerable<DeployEvent> Step(
        string name, string command, string dir, IReadOnlyDictionary<string, string?> env, TimeSpan timeout, StepResult result,
        StepPidFile pid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new StepStarted(name);
        await foreach (var e in StepRunner.RunAsync(command, dir, env, timeout, result, streamOutput: true, time, cancellationToken, pid).ConfigureAwait(false))
            yield return e;
        if (result.Succeeded) yield return new StepFinished(name, result.Elapsed);
    }

    private static string Describe(StepResult r, TimeSpan timeout) =>
        r.TimedOut ? $"no result within {Format.Duration(timeout)}" : $"exit code {r.ExitCode} after {Format.Duration(r.Elapsed)}";

    /// <summary>
    /// The environment of every step: the bot's own minus its secrets, then the app's <c>Env</c>, the vars of its env file
    /// (<see cref="ShellEnvFile"/>, set from chat, so they win) and its path, <c>PORT</c> and <c>DEPLOY_*</c>
    /// (<c>DEPLOY_RESTORE=1</c> when putting a release back). The env file's values are masked in whatever a step prints.
    /// </summary>
    private Dictionary<string, string?> Environment(
        AppEnvConfig app, ShellSettings settings, ReleaseFolders folders, string release, string? previous, string? gitRef, string? sha, int number,
        bool restoring = false)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string name && Redactor.IsSecretName(name) || e.Key is "DATABASE_URL")
                env[(string)e.Key] = null;
        foreach (var (k, v) in settings.Env) env[k] = v;
        var file = new ShellEnvFile(folders.Root);
        var vars = file.Values();
        if (vars.Count > 0) (redactor ?? Redactor.Default).Add(vars.Values);
        foreach (var (k, v) in vars) env[k] = v;
        env["DEPLOY_ENV_FILE"] = file.Path;
        if (settings.Port is { } port) env["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["DEPLOY_APP"] = app.App;
        env["DEPLOY_ENV"] = app.Env;
        env["DEPLOY_NUMBER"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["DEPLOY_REF"] = gitRef ?? "";
        env["DEPLOY_SHA"] = sha ?? "";
        env["RELEASE"] = release;
        env["RELEASE_DIR"] = folders.PathOf(release);
        env["PREVIOUS_RELEASE_DIR"] = previous is null ? "" : folders.PathOf(previous);
        env["SHARED_DIR"] = folders.Shared;
        env["DEPLOY_RESTORE"] = restoring ? "1" : null;
        return env;
    }
}
