using System.Globalization;
using System.Runtime.CompilerServices;
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
                var env = BuildCommand.Environment(request, commit.Ref, commit.Sha, "AWS_SESSION_TOKEN");
                await foreach (var e in BuildCommand.RunAsync(build, dir, env, settings.BuildTimeout, why => outcome.Failure = why, time, ct).ConfigureAwait(false))
                    yield return e;
                if (outcome.Failure is not null) yield break;
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
}
