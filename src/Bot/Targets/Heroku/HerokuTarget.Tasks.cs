using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Bot.Configuration;
using Bot.Text;

namespace Bot.Targets.Heroku;

/// <summary>
/// Tasks: a detached one-off dyno runs the task's command on the live release (as <c>heroku run:detached</c> does), and
/// its log session is read as the task's output until Heroku logs how the process exited. The dyno is looked at every
/// <see cref="PollInterval"/> too, so a log stream that drops does not leave the task waiting for a line that never comes.
/// </summary>
public sealed partial class HerokuTarget : IRunsTasks
{
    /// <summary>The longest a one-off dyno may live (its <c>time_to_live</c>, in seconds).</summary>
    public const int MaxTimeToLive = 86400;

    public string StoppedNote => "its one-off dyno was stopped.";

    /// <summary>A Heroku task runs a command; Lambda's <c>Payload</c> means nothing here.</summary>
    private static void ValidateTasks(AppEnvConfig app)
    {
        foreach (var task in app.Tasks.Values)
        {
            if (task.Command is null)
                throw new ConfigException($"{task.KeyPath}:Command", "missing; a Heroku task runs a command in a one-off dyno, e.g. \"python manage.py migrate\"");
            if (task.Section?.GetSection("Payload").Exists() == true)
                throw new ConfigException($"{task.KeyPath}:Payload", "is for Lambda tasks; a Heroku task runs its Command in a one-off dyno");
        }
    }

    public IAsyncEnumerable<DeployEvent> RunTaskAsync(TaskRequest request, CancellationToken cancellationToken) =>
        RunTaskCoreAsync(request, cancellationToken).ExplainedBy((HerokuApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> RunTaskCoreAsync(TaskRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (app, task) = (request.App, request.Task);
        var heroku = HerokuSettings.Read(app).App;
        var command = task.Command ?? throw new DeployFailedException($"Task {task.Name} of {app.App} has no command.", $"Set `{task.KeyPath}:Command` and restart the bot.");
        yield return new StepStarted(task.Name);
        var started = time.GetTimestamp();
        var ttl = (int)Math.Clamp(Math.Ceiling(task.Timeout.TotalSeconds), 1, MaxTimeToLive);
        var dyno = await api.CreateDynoAsync(heroku, new HerokuDynoRequest(command, false, "run", ttl), ct).ConfigureAwait(false);
        yield return new Notice($"Running `{command}` on {heroku} in the one-off dyno {dyno.Name}{(dyno.Release is { } r ? $" (v{r.Version})" : "")}.");

        var run = new DynoRun(dyno.Name);
        var followed = false;
        try
        {
            await foreach (var e in FollowDynoAsync(heroku, run, task.Timeout, started, ct).ConfigureAwait(false))
                yield return e;
            followed = true;
        }
        finally
        {
            if (!followed && ct.IsCancellationRequested) await StopDynoAsync(heroku, dyno.Name).ConfigureAwait(false);
        }

        var logs = $"`logs {app.App} dyno {dyno.Name}` shows its output";
        if (run.TimedOut)
            throw new DeployFailedException($"{task.Name} ran past its time limit of {Format.Setting(task.Timeout)}, so {dyno.Name} was stopped.",
                $"Raise `{task.KeyPath}:Timeout` if it needs longer; {logs}.");
        var exit = run.Exit ?? await ExitFromLogsAsync(heroku, dyno.Name, ct).ConfigureAwait(false) ?? (run.State == "complete" ? 0 : null);
        if (exit is null)
            throw new DeployFailedException(run.State == "crashed"
                    ? $"{task.Name} crashed on Heroku ({dyno.Name}); its exit status never reached the bot."
                    : $"{dyno.Name} ended, but how {task.Name} exited never reached the bot.",
                $"Type {logs}.");
        if (exit != 0)
            throw new DeployFailedException($"{task.Name} exited with status {exit}.", $"Type {logs}; fix the cause and `run {app.App} {task.Name}` again.");
        yield return new Notice($"{task.Name} exited with status 0.");
        yield return new StepFinished(task.Name, time.GetElapsedTime(started));
    }

    /// <summary>The dyno's output lines until its exit line, the dyno is gone, or <paramref name="timeout"/> has passed (then it is stopped).</summary>
    private async IAsyncEnumerable<DeployEvent> FollowDynoAsync(string heroku, DynoRun run, TimeSpan timeout, long started, [EnumeratorCancellation] CancellationToken ct)
    {
        var session = await api.CreateLogSessionAsync(heroku, new HerokuLogSessionRequest(MaxSessionLines, true, run.Name), ct).ConfigureAwait(false);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(new OutputStream(api, new Uri(session.LogplexUrl)), lines.Writer, reading.Token);
        try
        {
            var open = true;
            Task<bool>? ready = null;
            Task? tick = null;
            while (true)
            {
                if (open) ready ??= lines.Reader.WaitToReadAsync(ct).AsTask();
                tick ??= Task.Delay(PollInterval, time, ct);
                await (open ? Task.WhenAny(ready!, tick) : Task.WhenAny(tick)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (open && ready!.IsCompleted)
                {
                    open = await ready.ConfigureAwait(false);
                    ready = null;
                }
                while (lines.Reader.TryRead(out var raw))
                    if (Classify(run, raw) is { } text) yield return new OutputLine(text);
                if (run.Exit is not null) yield break;
                if (!tick.IsCompleted) continue;
                tick = null;
                if (time.GetElapsedTime(started) >= timeout)
                {
                    await StopDynoAsync(heroku, run.Name).ConfigureAwait(false);
                    run.TimedOut = true;
                    yield break;
                }
                // Seen gone on the last look: the stream has had a whole interval to bring the exit line.
                if (run.Gone) yield break;
                var state = await DynoStateAsync(heroku, run.Name, ct).ConfigureAwait(false);
                if (state is null or "complete" or "crashed")
                {
                    (run.Gone, run.State) = (true, state ?? run.State);
                    if (!open) yield break;
                }
            }
        }
        finally
        {
            await reading.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(OutputStream stream, ChannelWriter<string> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var line in stream.ReadAsync(ct).ConfigureAwait(false)) writer.TryWrite(line);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException) { /* the dyno's state says when it ends */ }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>The text to show of a log line of the dyno, or null for Heroku's own lines about its state (noted on <paramref name="run"/>).</summary>
    private static string? Classify(DynoRun run, string raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (LogLine().Match(raw) is not { Success: true } m) return raw.TrimEnd();
        var text = m.Groups["text"].Value.TrimEnd();
        if (m.Groups["source"].Value != "heroku") return text;
        if (ExitLine().Match(text) is { Success: true } exit)
        {
            run.Exit = int.Parse(exit.Groups["status"].Value, CultureInfo.InvariantCulture);
            return null;
        }
        if (StateLine().Match(text) is { Success: true } state)
        {
            run.State = state.Groups["state"].Value;
            return null;
        }
        return text.StartsWith("Starting process with command", StringComparison.Ordinal) ? null : $"heroku: {text}";
    }

    /// <summary>After a lost stream: the exit line from the dyno's recent logs, if Heroku kept it.</summary>
    private async Task<int?> ExitFromLogsAsync(string heroku, string dyno, CancellationToken ct)
    {
        var session = await api.CreateLogSessionAsync(heroku, new HerokuLogSessionRequest(MaxSessionLines, false, dyno), ct).ConfigureAwait(false);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(LogPatience);
        var run = new DynoRun(dyno);
        try
        {
            await foreach (var raw in new OutputStream(api, new Uri(session.LogplexUrl)).ReadAsync(patience.Token).ConfigureAwait(false))
                Classify(run, raw);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { /* what came is what there is */ }
        return run.Exit;
    }

    /// <summary>The dyno's state, or null when Heroku no longer has it (a one-off dyno is gone soon after it exits).</summary>
    private async Task<string?> DynoStateAsync(string heroku, string dyno, CancellationToken ct)
    {
        try { return (await api.GetDynoAsync(heroku, dyno, ct).ConfigureAwait(false)).State; }
        catch (HerokuApiException e) when (e.Status == 404) { return null; }
    }

    /// <summary>Stops a one-off dyno (best effort: it may have just ended).</summary>
    private async Task StopDynoAsync(string heroku, string dyno)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await api.StopDynoAsync(heroku, dyno, patience.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is HerokuApiException or OperationCanceledException) { /* it ended on its own, or Heroku is away */ }
    }

    private sealed class DynoRun(string name)
    {
        public string Name { get; } = name;
        public int? Exit { get; set; }
        public string? State { get; set; }
        public bool Gone { get; set; }
        public bool TimedOut { get; set; }
    }

    [GeneratedRegex(@"^Process exited with status (?<status>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"^State changed from \w+ to (?<state>\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex StateLine();
}
