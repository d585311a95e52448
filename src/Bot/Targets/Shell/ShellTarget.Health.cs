using System.Runtime.CompilerServices;
using Bot.Text;
using Bot.Configuration;

namespace Bot.Targets.Shell;

public sealed partial class ShellTarget
{
    private sealed class HealthResult
    {
        public bool Healthy { get; set; }
    }

    /// <summary>Runs <c>Health</c> until it passes or <see cref="ShellSettings.HealthTimeout"/> runs out; shows the last failed attempt's output.</summary>
    private async IAsyncEnumerable<DeployEvent> HealthAsync(
        string command, string dir, IReadOnlyDictionary<string, string?> env, ShellSettings settings, HealthResult health,
        StepPidFile pid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new StepStarted("health");
        var started = time.GetTimestamp();
        var attempts = 0;
        StepResult last;
        while (true)
        {
            attempts++;
            last = new StepResult();
            var left = settings.HealthTimeout - time.GetElapsedTime(started);
            var limit = left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
            await foreach (var _ in StepRunner.RunAsync(command, dir, env, limit, last, streamOutput: false, time, cancellationToken, pid).ConfigureAwait(false)) { }
            if (last.Succeeded)
            {
                health.Healthy = true;
                yield return new StepFinished("health", time.GetElapsedTime(started));
                yield return new Notice(attempts == 1 ? "Healthy." : $"Healthy after {attempts} checks.");
                yield break;
            }
            // Servers usually come up within a moment: look again soon, then back off to the interval.
            var wait = TimeSpan.FromMilliseconds(Math.Min(settings.HealthInterval.TotalMilliseconds, 100 * Math.Pow(2, attempts - 1)));
            if (time.GetElapsedTime(started) + wait >= settings.HealthTimeout) break;
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
        yield return new Notice($"Health check still failing after {attempts} checks in {Format.Duration(time.GetElapsedTime(started))} (last exit code {last.ExitCode}):", IsWarning: true);
        foreach (var line in last.LastLines.TakeLast(10))
            yield return new OutputLine(line, IsError: true);
    }

    /// <summary>
    /// Puts <paramref name="release"/> (the one that was live before) back by re-running its <c>Deploy</c> and checking
    /// its health. Not cancellable: stopping half-way would leave nothing running.
    /// </summary>
    public async IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = ShellSettings.Read(app);
        var folders = new ReleaseFolders(options.DataDir, app.App, app.Env);
        if (!folders.Exists(release))
            throw new DeployFailedException($"Release {release} is no longer on this host, so it could not be put back.");
        if (CleanUp(app) is { } leftover) yield return new Notice(leftover, IsWarning: true);
        if (EnvFile(app).RollBack()) yield return new Notice("The config values from before the unfinished change are back in the env file.", IsWarning: true);
        yield return new Notice($"Putting the previous release {release} back.", IsWarning: true);
        var (gitRef, sha) = folders.ReadMeta(release);
        var number = int.TryParse(release.Split('-')[0], out var n) ? n : 0;
        var env = Environment(app, settings, folders, release, null, gitRef, sha, number, restoring: true);
        var dir = folders.PathOf(release);
        var pid = new StepPidFile(folders.Root);
        var deploy = new StepResult();
        await foreach (var e in Step("restore", settings.Deploy, dir, env, settings.StepTimeout, deploy, pid, CancellationToken.None).ConfigureAwait(false))
            yield return e;
        if (!deploy.Succeeded)
            throw new DeployFailedException($"Putting the previous release {release} back failed ({Describe(deploy, settings.StepTimeout)}).");
        if (settings.Health is { } health)
        {
            var check = new HealthResult();
            await foreach (var e in HealthAsync(health, dir, env, settings, check, pid, CancellationToken.None).ConfigureAwait(false))
                yield return e;
            if (!check.Healthy)
                throw new DeployFailedException($"The previous release {release} was put back, but its health check fails.");
        }
        folders.SetCurrent(release);
        yield return PutBackEnded.Restored(healthChecked: settings.Health is not null);
    }
}
