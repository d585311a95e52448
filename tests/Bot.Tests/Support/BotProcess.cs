using System.Diagnostics;
using System.Text;

namespace Bot.Tests.Support;

/// <summary>Runs the real bot binary (<c>dotnet bot.dll ...</c>) as a child process, the way a user or script would.</summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _expected = [];

    private BotProcess(IEnumerable<string> args, IDictionary<string, string?> env, string workingDirectory, string? stdin, bool keepInput = false)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bot.dll"));
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
        if (!keepInput) _process.StandardInput.Close();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stdout) return _stderr.ToString(); } }
    public int Id => _process.Id;

    public static BotProcess Start(IDictionary<string, string?> env, string workingDirectory, string? stdin, params string[] args) =>
        new(args, env, workingDirectory, stdin);

    /// <summary>Starts the bot with its input left open, for <see cref="Type"/> (<c>chat</c>, as a person at a terminal).</summary>
    public static BotProcess StartInteractive(IDictionary<string, string?> env, string workingDirectory, params string[] args) =>
        new(args, env, workingDirectory, null, keepInput: true);

    /// <summary>Types one line into an interactive bot.</summary>
    public void Type(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

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
    public Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stdout)
        {
            if (_stdout.ToString().Contains(text)) return Task.CompletedTask;
            _expected.Add((text, seen));
        }
        return seen.Task.WaitAsync(timeout);
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
