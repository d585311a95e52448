using System.Diagnostics;
using System.Text;

namespace Bot.Tests.Support;

/// <summary>
/// Runs the real bot binary (<c>dotnet bot.dll ...</c>, or the native one named by <c>BOT_BINARY</c>) as a child process, the
/// way a user or script would.
/// </summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _expected = [];

    private BotProcess(IEnumerable<string> args, IDictionary<string, string?> env, string workingDirectory, string? stdin, bool keepStdinOpen = false)
    {
        // BOT_BINARY runs a published binary instead (tests/aot-check.sh: the Native AOT build through the same tests).
        var native = Environment.GetEnvironmentVariable("BOT_BINARY") is { Length: > 0 } binary ? binary : null;
        var info = new ProcessStartInfo(keepStdinOpen ? "python3" : native ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (keepStdinOpen)
        {
            // A test run started in the background of a script (`cmd &`) hands its children SIGINT ignored, and the
            // runtime keeps an ignored SIGINT ignored, as a background program should. A person at a terminal gets Ctrl-C,
            // so the interactive bot starts with SIGINT at its default, then becomes the bot itself (exec: same pid).
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])");
            info.ArgumentList.Add(native ?? "dotnet");
        }
        if (native is null) info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bot.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var key in new[] { "BOT_CONFIG", "DATA_DIR", "DATABASE_URL", "PORT", "SLACK_SIGNING_SECRET", "LINE_CHANNEL_SECRET" })
            info.Environment.Remove(key);
        foreach (var (k, v) in env)
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Received(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Received(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (stdin is not null) _process.StandardInput.Write(stdin);
        if (!keepStdinOpen) _process.StandardInput.Close();
    }

    /// <summary>A process whose input stays open, to type into line by line (<see cref="Type"/>) and interrupt.</summary>
    public static BotProcess StartInteractive(IDictionary<string, string?> env, string workingDirectory, params string[] args) =>
        new(args, env, workingDirectory, null, keepStdinOpen: true);

    /// <summary>Types one line, as a person at the terminal would.</summary>
    public void Type(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGINT, as Ctrl-C in a terminal sends it.</summary>
    public void Interrupt() => Process.Start("kill", ["-INT", _process.Id.ToString()])!.WaitForExit();

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stdout) return _stderr.ToString(); } }
    public int Id => _process.Id;

    public static BotProcess Start(IDictionary<string, string?> env, string workingDirectory, string? stdin, params string[] args) =>
        new(args, env, workingDirectory, stdin);

    /// <summary>Runs to the end; returns the exit code.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IDictionary<string, string?> env, string workingDirectory, params string[] args)
    {
        using var bot = Start(env, workingDirectory, null, args);
        var code = await bot.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (code, bot.Stdout, bot.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Completes when a line containing <paramref name="text"/> has been printed.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stdout)
        {
            if (_stdout.ToString().Contains(text)) return;
            _expected.Add((text, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // What the process did say is what tells a failure apart.
            throw new TimeoutException($"\"{text}\" not printed within {timeout.TotalSeconds:0} s{(_process.HasExited ? $" (it exited with {_process.ExitCode})" : "")}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a crash.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as Heroku and Cloud Run stop a process: it may shut down in good order.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();

    public bool HasExited => _process.HasExited;

    private void Received(StringBuilder buffer, string? line)
    {
        if (line is null) return;
        lock (_stdout)
        {
            buffer.Append(line).Append('\n');
            if (buffer != _stdout) return;
            foreach (var (text, seen) in _expected.Where(e => line.Contains(e.Text)).ToList())
            {
                seen.TrySetResult();
                _expected.Remove((text, seen));
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
