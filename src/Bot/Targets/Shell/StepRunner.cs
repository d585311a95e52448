using System.Runtime.CompilerServices;
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
        var lines = OutputBuffer.Create();
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
                    return streamOutput ? OutputBuffer.WriteAsync(lines.Writer, new OutputLine(line, isError)) : ValueTask.CompletedTask;
                }, cancellationToken, time, pid => pidFile?.Write(pid)).ConfigureAwait(false);
                (result.ExitCode, result.TimedOut, result.Elapsed) = (outcome.ExitCode, outcome.TimedOut, outcome.Elapsed);
            }
            finally
            {
                pidFile?.Clear();
                lines.Writer.TryComplete();
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var e in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            // Left early: the child's lines are dropped from here on rather than holding it at a full buffer.
            lines.Writer.TryComplete();
        }
        await run.ConfigureAwait(false);
    }
}
