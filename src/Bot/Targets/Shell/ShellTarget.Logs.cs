using System.Globalization;
using Bot.Configuration;
using Bot.Processes;

namespace Bot.Targets.Shell;

public sealed partial class ShellTarget
{
    private const long MaxGrepScan = 256L * 1024 * 1024;

    public async Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken)
    {
        var settings = ShellSettings.Read(app);
        var folders = new ReleaseFolders(options.DataDir, app.App, app.Env);
        Func<string, bool>? match = request.Grep is { } g ? line => line.Contains(g, StringComparison.OrdinalIgnoreCase) : null;

        if (settings.LogFile is { } logFile)
        {
            var path = Path.IsPathRooted(logFile) ? logFile : Path.Combine(folders.Shared, logFile);
            if (!File.Exists(path))
                return new LogResult([], $"The log file {logFile} does not exist yet (looked in {Path.GetDirectoryName(path)}).");
            var (lines, reachedStart) = await LogTail.ReadAsync(path, request.Lines, request.Grep, request.Grep is null ? long.MaxValue : MaxGrepScan, cancellationToken).ConfigureAwait(false);
            var note = request.Since is null ? null : "`since` does not apply to a log file; showing the last lines instead.";
            if (match is not null && lines.Count < request.Lines && !reachedStart)
                note = $"Searched the last {MaxGrepScan / (1024 * 1024)} MB of the log.";
            return new LogResult(lines, note);
        }

        if (settings.Logs is not { } command)
            return new LogResult([], $"{app.App} has no logs configured. Add `Shell:Logs` (a command using {{lines}}) or `Shell:LogFile` to its config.");

        // With a filter, ask for more lines so enough matches are left after it.
        var ask = match is null ? request.Lines : Math.Clamp(request.Lines * 20, 2000, 20_000);
        var text = command
            .Replace("{lines}", ask.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{since}", request.Since is { } since ? $"{(int)since.TotalSeconds}s" : "", StringComparison.Ordinal);
        var dir = folders.Current is { } current ? folders.PathOf(current) : Directory.CreateDirectory(folders.Shared).FullName;
        var env = Environment(app, settings, folders, folders.Current ?? "", null, null, null, 0);
        var output = new List<string>();
        var outcome = await ChildProcess.RunAsync(ChildProcess.Shell(text, dir, env, TimeSpan.FromSeconds(30)), (line, _) =>
        {
            lock (output)
            {
                if (match is null || match(line)) output.Add(line);
                if (output.Count > 2 * ask) output.RemoveRange(0, output.Count - ask);
            }
        }, cancellationToken, time).ConfigureAwait(false);

        var taken = output.TakeLast(request.Lines).ToList();
        string? why = outcome switch
        {
            { TimedOut: true } => "The Logs command did not finish within 30s; showing what it printed.",
            { ExitCode: not 0 } => $"The Logs command exited with code {outcome.ExitCode}.",
            _ => null,
        };
        if (request.Since is not null && !command.Contains("{since}", StringComparison.Ordinal))
            why = Join(why, "`since` is not used: the Logs command has no {since}.");
        return new LogResult(taken, why);
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a} {b}";
}
