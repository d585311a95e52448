using System.Runtime.CompilerServices;
using Bot.Text;
using System.Text.Json.Nodes;

namespace Bot.Targets.CloudRun;

/// <summary>The build: <c>cloudbuild.yml</c> submitted with the commit and substitutions, its steps and log lines followed to the end.</summary>
public sealed partial class CloudRunTarget
{
    private async IAsyncEnumerable<DeployEvent> BuildAsync(DeployRequest request, CloudRunSettings s, BuildOutcome outcome, [EnumeratorCancellation] CancellationToken ct)
    {
        var commit = request.Commit!;
        var (path, yaml) = await CloudBuildConfig.ReadAsync(request.Source!, s.BuildConfig, request.App.App, ct).ConfigureAwait(false);
        var substitutions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_DOCKER_IMAGE_TAG"] = commit.ShortSha,
            ["COMMIT_SHA"] = commit.Sha,
            ["SHORT_SHA"] = commit.ShortSha,
            ["BRANCH_NAME"] = commit.Ref,
        };
        foreach (var (k, v) in s.Substitutions)
            substitutions[k] = v.Replace("{sha}", commit.Sha, StringComparison.Ordinal).Replace("{short_sha}", commit.ShortSha, StringComparison.Ordinal);
        // Cloud Build clones the commit itself: a source in a bucket would need a Cloud Storage upload the bot does not make.
        var source = new JsonObject { ["gitSource"] = new JsonObject { ["url"] = s.GitUrl, ["revision"] = commit.Sha } };
        var body = CloudBuildConfig.ToBuild(path, yaml, source, substitutions);

        yield return new StepStarted("build");
        var started = time.GetTimestamp();
        // Not on the deployment's token: a cancel while the build is being created must still learn its name, to cancel it.
        CloudBuild build;
        using (var creating = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            build = await builds.CreateAsync(s.Project, s.Region, body, creating.Token).ConfigureAwait(false);
        var follow = new BuildFollower(build.Id!);
        var ended = false;
        try
        {
            yield return new Notice($"Cloud Build {Short(build.Id)} runs {path}, _DOCKER_IMAGE_TAG={substitutions["_DOCKER_IMAGE_TAG"]}");
            if (build.LogUrl is { } log) yield return new Notice($"Build log: {log}");
            for (int look = 0, afterEnd = 0; ; )
            {
                var (entries, refused) = await BuildEntriesAsync(s.Project, follow, ct).ConfigureAwait(false);
                if (refused is not null)
                    yield return new Notice($"Cloud Logging refused the build's log lines ({refused}); steps are still shown.", IsWarning: true);
                foreach (var e in follow.Look(build, entries, time.GetUtcNow())) yield return e;
                if (build.Finished && follow.CaughtUp) break;
                // Once the build has ended only its last lines are awaited (CloudLoggingApi.Patience at most): look again soon.
                await Task.Delay(options.Pause(build.Finished ? afterEnd++ : look++), time, ct).ConfigureAwait(false);
                if (!build.Finished) build = await builds.GetAsync(build.Name!, ct).ConfigureAwait(false);
            }
            ended = true;
        }
        finally
        {
            // Cancelled, or stopped by a failure or by the runner letting go: a build nobody follows would still push an image.
            if (!ended) await CancelBuildAsync(build.Name!).ConfigureAwait(false);
        }

        if (build.Status != "SUCCESS")
        {
            var failed = follow.Failed(build);
            var tail = follow.TailOf(failed?.Index);
            var what = failed is { } f ? $"step {f.Label} {Words(f.Status)}" : $"the build {Words(build.Status)}";
            var late = failed is not { LinesLate: true } ? ""
                : tail.Count > 0 ? ". Cloud Logging may not have shown its last lines yet"
                : $". Its own log lines had not reached Cloud Logging {Format.Duration(CloudLoggingApi.Patience)} after it ended";
            throw new DeployFailedException(
                $"Cloud Build failed after {Format.Duration(time.GetElapsedTime(started))}: {what}" +
                (build.StatusDetail is { Length: > 0 } detail ? $" ({detail})" : build.FailureInfo?.Detail is { Length: > 0 } fd ? $" ({fd})" : "") +
                (tail.Count > 0 ? ". Last lines: " + string.Join(" · ", tail.Select(l => $"\"{l}\"")) : "") + late +
                $". Nothing was deployed; the service is unchanged." + (build.LogUrl is { } url ? $" Full log: {url}" : ""),
                $"Fix the build and type `deploy {request.App.App}` again.");
        }
        var image = build.Results?.Images?.FirstOrDefault(i => i.Name is not null);
        outcome.Image = image is null ? null : image.Digest is { Length: > 0 } digest ? $"{StripTag(image.Name!)}@{digest}" : image.Name;
        if (outcome.Image is null)
            throw new DeployFailedException($"Cloud Build succeeded but pushed no image, so there is nothing to deploy.",
                $"List the image under `images:` in {path} (e.g. `images: ['…/{s.Service}:$_DOCKER_IMAGE_TAG']`) and deploy again.");
        yield return new StepFinished("build", time.GetElapsedTime(started));
        yield return new Notice($"Built {outcome.Image}.");
    }

    /// <summary>The build's log entries from Cloud Logging (<c>resource.type="build"</c>) since the last look, oldest first; the reason once Logging refuses.</summary>
    private async Task<(IReadOnlyList<LogEntry> Entries, string? Refused)> BuildEntriesAsync(string project, BuildFollower follow, CancellationToken ct)
    {
        if (follow.LogsRefused) return ([], null);
        var filter = $"resource.type=\"build\" AND resource.labels.build_id={CloudLoggingApi.Quote(follow.BuildId)}" +
                     (follow.LastLogAt is { } at ? $" AND timestamp>=\"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}\"" : "");
        try
        {
            var page = await logging.ListAsync(project, filter, 500, newestFirst: false, ct).ConfigureAwait(false);
            return (page.Entries ?? [], null);
        }
        catch (GoogleApiException e) when (e.Status is 403 or 404)
        {
            // The build goes on without its lines: said once, and its steps are not held for them.
            follow.LogsRefused = true;
            return ([], e.Reason);
        }
    }

    private async Task CancelBuildAsync(string name)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await builds.CancelAsync(name, patience.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is GoogleApiException or OperationCanceledException) { /* the build times out on its own */ }
    }

    private static string Short(string? id) => id is { Length: > 8 } ? id[..8] : id ?? "?";

    private static string StripTag(string name) => name.LastIndexOf(':') is var colon and > 0 && colon > name.LastIndexOf('/') ? name[..colon] : name;

    private static string Words(string? status) => status switch
    {
        "FAILURE" => "failed",
        "TIMEOUT" => "timed out",
        "CANCELLED" => "was cancelled",
        "EXPIRED" => "expired in the queue",
        "INTERNAL_ERROR" => "hit an internal error in Cloud Build",
        _ => $"ended {status?.ToLowerInvariant() ?? "unknown"}",
    };
}
