using System.Collections;
using Bot.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Bot.Processes;
using Bot.Security;
using Bot.Sources;

namespace Bot.Targets.Lambda;

/// <summary>
/// Makes the zip: the commit is written out into a fresh folder under <c>DATA_DIR/lambda</c>, <c>Lambda:Build</c> runs there
/// (its output streamed as progress, the bot's secrets left out of its environment), and <c>Lambda:Artifact</c> is read back.
/// The folder is removed afterwards; a rollback never rebuilds, it moves the alias.
/// </summary>
public static class LambdaBuild
{
    /// <summary>The most Lambda takes as a zip in the request itself; larger ones go through S3 (<c>Lambda:S3Bucket</c>).</summary>
    public const long MaxDirectUpload = 50L * 1024 * 1024;

    public static async IAsyncEnumerable<DeployEvent> RunAsync(
        string dataDir, DeployRequest request, LambdaSettings settings, BuildOutcome outcome, TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        var (commit, source) = (request.Commit!, request.Source!);
        var dir = Path.Combine(dataDir, "lambda", $"{request.App.App}-{request.App.Env}", request.Number.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        try
        {
            yield return new StepStarted("checkout");
            var started = time.GetTimestamp();
            await source.ExtractToAsync(dir, ct).ConfigureAwait(false);
            yield return new StepFinished("checkout", time.GetElapsedTime(started));

            if (settings.Build is { } build)
            {
                yield return new StepStarted("build");
                var lines = Channel.CreateUnbounded<DeployEvent>(new UnboundedChannelOptions { SingleReader = true });
                var spec = ChildProcess.Shell(build, dir, Environment(request, commit), settings.BuildTimeout);
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
                        ? $"The build gave no result within {Format.Duration(settings.BuildTimeout)}"
                        : $"The build failed (exit code {result.ExitCode} after {Format.Duration(result.Elapsed)})";
                    yield break;
                }
                yield return new StepFinished("build", result.Elapsed);
            }

            var zip = Path.GetFullPath(Path.Combine(dir, settings.Artifact!));
            if (!zip.StartsWith(Path.GetFullPath(dir) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(zip))
            {
                outcome.Failure = $"The build left no {settings.Artifact} in the checkout";
                yield break;
            }
            var size = new FileInfo(zip).Length;
            if (size > MaxDirectUpload && settings.S3Bucket is null)
            {
                outcome.Failure = $"{settings.Artifact} is {Size(size)}, more than the {Size(MaxDirectUpload)} Lambda takes directly (set `Lambda:S3Bucket` to send it through S3)";
                yield break;
            }
            outcome.Zip = await File.ReadAllBytesAsync(zip, ct).ConfigureAwait(false);
            yield return new Notice($"{settings.Artifact}: {Size(size)} from {commit.Label}.");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { /* a file still held; the next build of this number clears it */ }
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    /// <summary>The bot's environment minus its secrets, plus <c>DEPLOY_*</c> naming what is built.</summary>
    private static Dictionary<string, string?> Environment(DeployRequest request, ResolvedCommit commit)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string name && (Redactor.IsSecretName(name) || name is "DATABASE_URL" or "AWS_SESSION_TOKEN"))
                env[name] = null;
        env["DEPLOY_APP"] = request.App.App;
        env["DEPLOY_ENV"] = request.App.Env;
        env["DEPLOY_NUMBER"] = request.Number.ToString(CultureInfo.InvariantCulture);
        env["DEPLOY_REF"] = commit.Ref;
        env["DEPLOY_SHA"] = commit.Sha;
        return env;
    }
}
