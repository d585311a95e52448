using Bot.Configuration;

namespace Bot.Targets.Shell;

public sealed partial class ShellTarget : ICanStop
{
    /// <summary>Runs <c>Shell:Stop</c> in the live release's folder, with the same environment as its <c>Deploy</c> had.</summary>
    public async Task<string?> StopAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        var settings = ShellSettings.Read(app);
        var folders = new ReleaseFolders(options.DataDir, app.App, app.Env);
        if (settings.Stop is not { } command || folders.Current is not { } live || !folders.Exists(live)) return null;
        var (gitRef, sha) = folders.ReadMeta(live);
        var number = int.TryParse(live.Split('-')[0], out var n) ? n : 0;
        var env = Environment(app, settings, folders, live, null, gitRef, sha, number);
        var result = new StepResult();
        await foreach (var _ in StepRunner.RunAsync(command, folders.PathOf(live), env, TimeSpan.FromSeconds(30), result, streamOutput: false, time, cancellationToken).ConfigureAwait(false)) { }
        return result.Succeeded
            ? $"Stopped {app.App} (release {live}), which this console started."
            : $"Could not stop {app.App} (Shell:Stop exited with {result.ExitCode}).";
    }
}
