using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using Bot.Processes;
using Bot.Security;
using Bot.Text;

namespace Bot.Targets;

/// <summary>
/// A target's build command (<c>Lambda:Build</c>, <c>Ecs:Build</c>) run on the bot's host in a checkout of the commit: its
/// output streamed as it prints, the bot's own secrets left out of its environment, <c>DEPLOY_*</c> naming what is built.
/// </summary>
public static class BuildCommand
{
    /// <param name="failure">Set to why, when the command failed or gave no result in time.</param>
    public static async IAsyncEnumerable<DeployEvent> RunAsync(
        string command, string dir, IReadOnlyDictionary<string, string?> environment, TimeSpan limit, Action<string> failure, TimeProvider time,
        [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("build");
        var lines = OutputBuffer.Create();
        var spec = ChildProcess.Shell(command, dir, environment, limit);
        var run = Task.Run(async () =>
        {
            try { return await ChildProcess.RunAsync(spec, (line, error) => OutputBuffer.WriteAsync(lines.Writer, new OutputLine(line, error)), ct, time).ConfigureAwait(false); }
            finally { lines.Writer.TryComplete(); }
        }, CancellationToken.None);
        try
        {
            await foreach (var e in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            lines.Writer.TryComplete();
        }
        var result = await run.ConfigureAwait(false);
        if (result.TimedOut || result.ExitCode != 0)
        {
            failure(result.TimedOut
                ? $"The build gave no result within {Format.Duration(limit)}"
                : $"The build failed (exit code {result.ExitCode} after {Format.Duration(result.Elapsed)})");
            yield break;
        }
        yield return new StepFinished("build", result.Elapsed);
    }

    /// <summary>The bot's environment minus its secrets (and <paramref name="alsoHidden"/>), plus <c>DEPLOY_*</c>.</summary>
    public static Dictionary<string, string?> Environment(DeployRequest request, string? gitRef, string? sha, params string[] alsoHidden)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string name && (Redactor.IsSecretName(name) || name is "DATABASE_URL" || alsoHidden.Contains(name)))
                env[name] = null;
        env["DEPLOY_APP"] = request.App.App;
        env["DEPLOY_ENV"] = request.App.Env;
        env["DEPLOY_NUMBER"] = request.Number.ToString(CultureInfo.InvariantCulture);
        env["DEPLOY_REF"] = gitRef;
        env["DEPLOY_SHA"] = sha;
        return env;
    }
}
