using System.Globalization;
using System.Runtime.CompilerServices;

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
            var env = BuildCommand.Environment(request, request.Commit?.Ref, request.Commit?.Sha);
            env["IMAGE"] = image;
            await foreach (var e in BuildCommand.RunAsync(build, dir, env, limit, why => outcome.Failure = why, time, ct).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { /* a file still held; the next build of this number clears it */ }
        }
    }
}
