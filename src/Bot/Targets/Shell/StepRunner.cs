using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bot.Processes;

namespace Bot.Targets.Shell;

/// <summary>Runs one shell command and turns its output into <see cref="OutputLine"/> events as it prints.</summary>
public static class StepRunner
{
    public static async IAsyncEnumerable<DeployEvent> RunAsync(
        string command, string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout,
        StepResult result, bool streamOutput, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken,
        StepPidFile? pidFile = null)
    {
        var lines = Channel.CreateUnbounded<DeployEvent>(new UnboundedChannelOptions { SingleReader = true });
        var spec = ChildProcess.HeldShell(command, workingDirectory, environment, timeout);
        var run = Task.Run(async () =>
        {
            try
            {
                var outcome = await ChildProcess.RunAsync(spec, (line, isError) =>
                {
                    lock (result.LastLines)
                    {
                        result.LastLines.Add(line);
                        if (result.LastLines.Count > 20) result.LastLines.RemoveAt(0);
                    }
                    if (streamOutput) lines.Writer.TryWrite(new OutputLine(line, isError));
                }, cancellationToken, time, pid => pidFile?.Write(pid)).ConfigureAwait(false);
                (result.ExitCode, result.TimedOut, result.Elapsed) = (outcome.ExitCode, outcome.TimedOut, outcome.Elapsed);
            }
            finally
            {
                pidFile?.Clear();
                lines.Writer.TryComplete();
            }
        }, CancellationToken.None);

        await foreach (var e in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            yield return e;
        await run.ConfigureAwait(false);
    }
}
