using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bot.Processes;
using Bot.Security;
using Bot.Text;

namespace Bot.Targets.Ecs;

/// <summary>
/// <c>Ecs:Build</c>: the commit written out into a fresh folder under <c>DATA_DIR/ecs</c>, the command run there with its
/// output streamed (the bot's secrets left out of its environment, <c>IMAGE</c> naming what it should push).
/// </summary>
public static class EcsBuild
{
    public sealed class Outcome
    {
        public string? Failure { get; set; }
    }

    public static async IAsyncEnumerable<DeployEvent> RunAsync(string dataDir, DeployRequest request, string build, string image, TimeSpan limit,
        Outcome outcome, TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        var dir = Path.Combine(dataDir, "ecs", $"{request.App.App}-{request.App.Env}", request.Number.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        try
        {
            await request.Source!.ExtractToAsync(dir, ct).ConfigureAwait(false);
            yield return new StepStarted("build");
            var lines = Channel.CreateUnbounded<DeployEvent>(new UnboundedChannelOptions { SingleReader = true });
            var spec = ChildProcess.Shell(build, dir, Environment(request, image), limit);
            var run = Task.Run(async () =>
            {
                try { return await ChildProcess.RunAsync(spec, (line, error) => lines.Writer.TryWrite(new OutputLine(line, error)), ct, time).ConfigureAwait(false); }
                finally { lines.Writer.TryComplete(); }
            }, CancellationToken.None);
            await foreach (var e in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return e;
            var result = await run.ConfigureAwait(false);
            if (result.TimedOut || result.ExitCode != 0)
            {
                outcome.Failure = result.TimedOut
                    ? $"The build gave no result within {Format.Duration(limit)}"
                    : $"The build failed (exit code {result.ExitCode} after {Format.Duration(result.Elapsed)})";
                yield break;
            }
            yield return new StepFinished("build", result.Elapsed);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { /* a file still held; the next build of this number clears it */ }
        }
    }

    private static Dictionary<string, string?> Environment(DeployRequest request, string image)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string name && (Redactor.IsSecretName(name) || name is "DATABASE_URL"))
                env[name] = null;
        env["IMAGE"] = image;
        env["DEPLOY_APP"] = request.App.App;
        env["DEPLOY_ENV"] = request.App.Env;
        env["DEPLOY_NUMBER"] = request.Number.ToString(CultureInfo.InvariantCulture);
        env["DEPLOY_REF"] = request.Commit?.Ref;
        env["DEPLOY_SHA"] = request.Commit?.Sha;
        return env;
    }
}
