using System.Runtime.CompilerServices;
using Bot.Text;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

public sealed partial class HerokuTarget
{
    private const int TailLines = 20;

    /// <summary>Streams a build's output until it ends, then follows the release it made through its release phase.</summary>
    private async IAsyncEnumerable<DeployEvent> FollowBuildAsync(AppEnvConfig app, string heroku, HerokuBuild build, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("build");
        var started = time.GetTimestamp();
        var tail = new Queue<string>();
        var ended = false;
        try
        {
            var output = build.OutputStreamUrl is { } url ? new OutputStream(api, new Uri(url)) : null;
            while (true)
            {
                await foreach (var line in LinesAsync(output, tail, ct).ConfigureAwait(false))
                    yield return line;
                if (build.Status != "pending") break;
                build = await api.GetBuildAsync(heroku, build.Id, ct).ConfigureAwait(false);
                if (build.Status == "pending") await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
            }
            ended = true;
        }
        finally
        {
            if (!ended && ct.IsCancellationRequested) await CancelBuildAsync(heroku, build.Id).ConfigureAwait(false);
        }

        if (build.Status != "succeeded")
            throw new DeployFailedException(
                $"The build failed on Heroku after {Format.Duration(time.GetElapsedTime(started))}{LastLines(tail)}. Nothing was released; {await LiveAsync(heroku, ct).ConfigureAwait(false)} is still live.",
                $"Fix the build and type `deploy {app.App}` again.");
        yield return new StepFinished("build", time.GetElapsedTime(started));

        // Heroku names the release on the build once it has made it; it may take a moment after "succeeded".
        for (var look = 0; build.Release is null && look < 10; look++)
        {
            await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
            build = await api.GetBuildAsync(heroku, build.Id, ct).ConfigureAwait(false);
        }
        if (build.Release is not { } made)
            throw new DeployFailedException($"The build succeeded but Heroku made no release from it.", $"Type `history {app.App}` to see the releases, then deploy again.");

        // From here Heroku may make the new release live: what served before is what a failed ending puts back.
        var newRelease = await api.GetReleaseAsync(heroku, made.Id, ct).ConfigureAwait(false);
        yield return new GoingLive(await PreviousAsync(heroku, newRelease, ct).ConfigureAwait(false));
        await foreach (var e in FollowNewReleaseAsync(app, heroku, newRelease, "deploy", ct).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>
    /// A release just made from a new slug (a build's, or a promoted one): its release phase followed to the end, then
    /// <see cref="Released"/>. <paramref name="verb"/> is what to type again once the release command is fixed.
    /// </summary>
    private async IAsyncEnumerable<DeployEvent> FollowNewReleaseAsync(AppEnvConfig app, string heroku, HerokuRelease made, string verb,
        [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("release");
        var started = time.GetTimestamp();
        var follow = new ReleaseOutcome();
        await foreach (var e in FollowReleaseAsync(heroku, made, follow, ct).ConfigureAwait(false))
            yield return e;
        var release = follow.Release;
        if (release.Status != "succeeded")
            throw new DeployFailedException(
                $"The release phase of {release.Name} failed on Heroku after {Format.Duration(time.GetElapsedTime(started))}{LastLines(follow.Tail)}, so {release.Name} did not go live.",
                $"Fix the release command and {verb} again; `logs {app.App} source app` shows more.");
        yield return new StepFinished("release", time.GetElapsedTime(started));
        yield return new Released(release.Name, await WebUrlAsync(app, heroku, ct).ConfigureAwait(false));
    }

    /// <summary>Shows a release's release-phase output (when it has one) and waits until it has succeeded or failed.</summary>
    private async IAsyncEnumerable<DeployEvent> FollowReleaseAsync(string heroku, HerokuRelease release, ReleaseOutcome outcome, [EnumeratorCancellation] CancellationToken ct)
    {
        var output = release.OutputStreamUrl is { } url ? new OutputStream(api, new Uri(url)) : null;
        while (true)
        {
            await foreach (var line in LinesAsync(output, outcome.Tail, ct).ConfigureAwait(false))
                yield return line;
            if (release.Status != "pending") break;
            release = await api.GetReleaseAsync(heroku, release.Id, ct).ConfigureAwait(false);
            if (release.Status == "pending") await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
        }
        outcome.Release = release;
    }

    /// <summary>The lines of a stream not yet read to its end (none once it has been), keeping the last few for messages.</summary>
    private static async IAsyncEnumerable<DeployEvent> LinesAsync(OutputStream? output, Queue<string> tail, [EnumeratorCancellation] CancellationToken ct)
    {
        if (output is null || output.Complete) yield break;
        await foreach (var line in output.ReadAsync(ct).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            tail.Enqueue(line);
            if (tail.Count > TailLines) tail.Dequeue();
            yield return new OutputLine(line);
        }
    }

    private sealed class ReleaseOutcome
    {
        public HerokuRelease Release { get; set; } = null!;
        public Queue<string> Tail { get; } = new();
    }

    /// <summary>Cancelling a deployment stops its Heroku build too (best effort: the build may have just ended).</summary>
    private async Task CancelBuildAsync(string heroku, string buildId)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await api.CancelBuildAsync(heroku, buildId, patience.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is HerokuApiException or OperationCanceledException) { /* it ended on its own, or Heroku is away */ }
    }

    /// <summary>The newest good release before <paramref name="made"/>: what served before it (null on a first deploy).</summary>
    private async Task<string?> PreviousAsync(string heroku, HerokuRelease made, CancellationToken ct)
    {
        var releases = await api.ListReleasesAsync(heroku, 20, ct).ConfigureAwait(false);
        return releases.Where(r => r.Version < made.Version && r.Status == "succeeded").OrderByDescending(r => r.Version).FirstOrDefault()?.Name;
    }

    /// <summary>The live release's name, for messages after a failure.</summary>
    private async Task<string> LiveAsync(string heroku, CancellationToken ct)
    {
        try
        {
            var releases = await api.ListReleasesAsync(heroku, 5, ct).ConfigureAwait(false);
            return releases.FirstOrDefault(r => r.Current)?.Name ?? "the previous release";
        }
        catch (HerokuApiException)
        {
            return "the previous release";
        }
    }

    /// <summary><c> (last lines: "npm ERR! …" · "…")</c>: the end of the output, which is usually the reason.</summary>
    private static string LastLines(IEnumerable<string> tail)
    {
        var last = tail.TakeLast(2).Select(l => l.Trim()).Select(l => l.Length <= 120 ? l : l[..119] + "…").ToList();
        return last.Count == 0 ? "" : $" (last lines: {string.Join(" · ", last.Select(l => $"\"{l}\""))})";
    }
}
