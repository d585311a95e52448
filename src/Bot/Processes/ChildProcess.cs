using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Bot.Processes;

/// <summary>
/// Runs a child in its own process group (through <c>setsid</c>) so that cancelling or timing out kills
/// the whole tree it started, not just the shell. Output lines are handed to a callback as they come.
/// </summary>
public static partial class ChildProcess
{
    private const int SIGTERM = 15, SIGKILL = 9;
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(1), DrainLimit = TimeSpan.FromSeconds(10);
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Runs a shell command line with <c>/bin/sh -c</c>.</summary>
    public static ProcessSpec Shell(string command, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, TimeSpan? timeout) =>
        new("/bin/sh", ["-c", command], workingDirectory, environment, timeout);

    /// <summary>
    /// Like <see cref="Shell"/>, but the command only starts when <see cref="RunAsync"/> says <c>go</c> on its stdin,
    /// which it does once <c>onStarted</c> has noted the pid, and it never outlives the bot: the pipe stays open
    /// while the command runs, and when it ends without the command having ended (the bot was killed, even with
    /// SIGKILL) a watcher kills the command's process group (only when the wrapper leads one, as under <c>setsid</c>). So nothing runs that was never
    /// noted, and no step of a dead runner races the next deployment.
    /// </summary>
    public static ProcessSpec HeldShell(string command, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, TimeSpan? timeout) =>
        new("/bin/sh", ["-c", HeldScript, "sh", command], workingDirectory, environment, timeout, Held: true);

    private const string HeldScript = """
        IFS= read -r go && [ "$go" = go ] || exit 125
        exec 3<&0
        /bin/sh -c "$1" </dev/null 3<&- &
        step=$!
        { while IFS= read -r _; do :; done; kill -KILL -$$; } <&3 &
        watch=$!
        exec 3<&-
        wait "$step"; status=$?
        kill "$watch" 2>/dev/null
        exit "$status"
        """;

    /// <param name="onStarted">Gets the child's pid, which is also its process group id when <c>setsid</c> is used.</param>
    public static Task<ProcessOutcome> RunAsync(
        ProcessSpec spec, Action<string, bool>? onLine, CancellationToken cancellationToken, TimeProvider? time = null, Action<int>? onStarted = null) =>
        RunAsync(spec, onLine is null ? null : (line, isError) => { onLine(line, isError); return ValueTask.CompletedTask; }, cancellationToken, time, onStarted);

    /// <param name="onLine">
    /// Awaited before the next line is read, so a consumer that falls behind holds the child at its pipe instead of the
    /// bot holding everything the child printed.
    /// </param>
    /// <param name="onStarted">Gets the child's pid, which is also its process group id when <c>setsid</c> is used.</param>
    public static async Task<ProcessOutcome> RunAsync(
        ProcessSpec spec, Func<string, bool, ValueTask>? onLine, CancellationToken cancellationToken, TimeProvider? time = null, Action<int>? onStarted = null)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        using var process = new Process { StartInfo = StartInfo(spec) };
        process.Start();
        onStarted?.Invoke(process.Id);
        if (spec.Held) Release(process);
        else process.StandardInput.Close();

        var read = new long[1];
        var stdout = PumpAsync(process.StandardOutput, line => onLine?.Invoke(line, false) ?? ValueTask.CompletedTask, read);
        var stderr = PumpAsync(process.StandardError, line => onLine?.Invoke(line, true) ?? ValueTask.CompletedTask, read);

        using var timeout = spec.Timeout is { } t ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process).ConfigureAwait(false);
            if (!timeout.IsCancellationRequested) throw;
        }

        // A held child's watcher reads its stdin until the child ends; closing it now lets the watcher go too.
        if (spec.Held) CloseQuietly(process.StandardInput);
        // A background child that kept our pipes open must not hold us: read what is there, then move on. What is there
        // may take longer than a second to hand over when the consumer is behind, so the wait ends after a second in
        // which no line was read (a quiet background child), or after ten (a chatty one).
        var pumps = Task.WhenAll(stdout, stderr);
        var draining = Stopwatch.StartNew();
        for (var before = -1L; !pumps.IsCompleted && Interlocked.Read(ref read[0]) != before && draining.Elapsed < DrainLimit;)
        {
            before = Interlocked.Read(ref read[0]);
            await Task.WhenAny(pumps, Task.Delay(DrainAfterExit, CancellationToken.None)).ConfigureAwait(false);
        }
        return new ProcessOutcome(process.HasExited ? process.ExitCode : -1, timeout.IsCancellationRequested, time.GetElapsedTime(started));
    }

    /// <summary>Runs to the end and returns stdout; throws with stderr's last lines on a non-zero exit.</summary>
    public static async Task<string> CaptureAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var errors = new List<string>();
        var outcome = await RunAsync(spec, (line, isError) =>
        {
            lock (output)
            {
                if (isError) { errors.Add(line); if (errors.Count > 20) errors.RemoveAt(0); }
                else output.Append(line).Append('\n');
            }
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode != 0)
            throw new ChildProcessException(spec, outcome.ExitCode, string.Join('\n', errors));
        return output.ToString();
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec)
    {
        var info = new ProcessStartInfo
        {
            FileName = Setsid ?? spec.FileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? "",
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (Setsid is not null)
        {
            info.ArgumentList.Add("--wait");
            info.ArgumentList.Add(spec.FileName);
        }
        foreach (var a in spec.Arguments) info.ArgumentList.Add(a);
        if (spec.Environment is not null)
            foreach (var (k, v) in spec.Environment)
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
        return info;
    }

    private static void Release(Process process)
    {
        // Straight to the pipe, so nothing stays buffered in the writer to fail again when it is closed.
        try { process.StandardInput.BaseStream.Write("go\n"u8); }
        catch (IOException) { /* it is gone already; its exit code says so */ }
    }

    private static void CloseQuietly(StreamWriter input)
    {
        try { input.Close(); }
        catch (IOException) { /* the child is gone and so is the pipe */ }
    }

    private static async Task PumpAsync(StreamReader reader, Func<string, ValueTask> onLine, long[] read)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Interlocked.Increment(ref read[0]);
                await onLine(line.Length > 4000 ? line[..4000] + " …" : line).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process is gone and its pipe was closed under us; nothing more to read.
        }
    }

    /// <summary>SIGTERM to the process group, then SIGKILL after a grace period.</summary>
    private static async Task KillTreeAsync(Process process)
    {
        if (process.HasExited) return;
        if (Setsid is not null)
        {
            _ = Kill(-process.Id, SIGTERM);
            using var grace = new CancellationTokenSource(KillGrace);
            try { await process.WaitForExitAsync(grace.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { /* still alive after the grace period */ }
            _ = Kill(-process.Id, SIGKILL);
            await WaitForGroupToEndAsync(process.Id).ConfigureAwait(false);
        }
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already exited */ }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Signals are delivered asynchronously: wait (briefly) until no live process is left in the group.</summary>
    private static async Task WaitForGroupToEndAsync(int group)
    {
        for (var i = 0; i < 100 && GroupIsAlive(group); i++)
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Whether any process that is not yet a zombie still belongs to process group <paramref name="group"/>.</summary>
    public static bool GroupIsAlive(int group)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == group.ToString(System.Globalization.CultureInfo.InvariantCulture)) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }
        return false;
    }

    /// <summary>Kills a whole process group at once (SIGKILL); false when there was none.</summary>
    public static bool KillGroup(int processGroup) => Setsid is not null && Kill(-processGroup, SIGKILL) == 0;

    /// <summary>The kernel's start time of a process (clock ticks since boot), to tell a pid from a reused one.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] == "Z" ? null : long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
