using System.Runtime.CompilerServices;
using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Deploys to a Cloud Run service: Cloud Build runs the repository's <c>cloudbuild.yml</c> at the commit (or
/// <c>CloudRun:Image</c> names the image and there is no build), the service's template is patched to the new image with
/// traffic held where it is, and once the revision is ready traffic is moved to it and read back. Rollback, promote and
/// previews only move traffic between revisions the service already has.
/// </summary>
public sealed partial class CloudRunTarget(CloudBuildApi builds, CloudRunApi run, CloudLoggingApi logging, CloudRunOptions options, TimeProvider time)
    : IDeployTarget, IHasReleases, IHasStatus, ICanPromote, ICleansUpInterrupted
{
    public string Kind => "cloudrun";

    public void Validate(AppEnvConfig app)
    {
        // An app with neither an image nor a URL Cloud Build can clone still starts: status, logs, rollback and promote
        // work on its service, and a deploy says what to set.
        var s = CloudRunSettings.Read(app);
        // A task runs as an execution of a Cloud Run job: each needs its job.
        foreach (var task in app.Tasks.Keys)
            if (!s.Jobs.ContainsKey(task))
                throw new ConfigException(app.KeyOf($"CloudRun:Jobs:{task}"), $"missing; the Cloud Run job that runs task {task}, e.g. \"{s.Service}-{task}\"");
    }

    public IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken) =>
        DeployCoreAsync(request, cancellationToken).ExplainedBy((GoogleApiException e) => Explain(e, request.App), cancellationToken);

    public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) =>
        RollbackCoreAsync(request, cancellationToken).ExplainedBy((GoogleApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> DeployCoreAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = CloudRunSettings.Read(request.App);
        var commit = request.Commit;
        string image;
        if (s.ImageFor(commit?.Sha) is { } given)
        {
            image = given;
            yield return new Notice($"Deploying {image} (CloudRun:Image is set, so there is no build).");
        }
        else
        {
            if (commit is null || request.Source is null)
                throw new DeployFailedException($"{request.App.App} has no repository, so there is no cloudbuild.yml to build.",
                    $"Set `Repository` of {request.App.App}, or `CloudRun:Image` to deploy an image without a build.");
            if (s.GitUrl is null)
                throw new DeployFailedException($"Cloud Build clones the code itself, and {request.App.App}'s repository is not an https URL it can reach.",
                    $"Set `CloudRun:GitUrl` of {request.App.App} to the repository's https URL, or `CloudRun:Image` to deploy an image without a build.");
            var built = new BuildOutcome();
            await foreach (var e in BuildAsync(request, s, built, ct).ConfigureAwait(false))
                yield return e;
            image = built.Image!;
        }
        await foreach (var e in RollOutAsync(request, s, TemplateChange.Image(image), ct).ConfigureAwait(false))
            yield return e;
    }

    private async IAsyncEnumerable<DeployEvent> RollbackCoreAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = CloudRunSettings.Read(request.App);
        var (service, _) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        var revisions = await run.ListRevisionsAsync(s.ServiceName, 50, ct).ConfigureAwait(false);
        var target = PickRollback(request.App, service, revisions, request.Release);
        yield return new Notice($"Sending all traffic of {s.Service} to {target.ShortName}{Described(target)}.");
        yield return new StepStarted("traffic");
        var started = time.GetTimestamp();
        var moved = await MoveTrafficAsync(s, [new RunTraffic(RunTraffic.ByRevision, target.ShortName, 100), .. Tags(service)], ct).ConfigureAwait(false);
        Verify(moved, target.ShortName, 100);
        yield return new StepFinished("traffic", time.GetElapsedTime(started));
        yield return new Notice($"Traffic verified: {Split(moved)}.");
        yield return new Released(target.ShortName, request.App.Url ?? moved.Uri);
    }

    /// <summary>Where the build put the image; set once the build has succeeded.</summary>
    private sealed class BuildOutcome
    {
        public string? Image;
    }

    private static string Described(RunRevision r)
    {
        var parts = new List<string>();
        if (r.Label(CloudRunNames.ShaLabel) is { Length: >= 7 } sha) parts.Add(sha[..7]);
        if (r.Containers?.FirstOrDefault()?.Image is { } image) parts.Add(image);
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    internal static DeployFailedException Explain(GoogleApiException e, AppEnvConfig app)
    {
        var project = app.Section["CloudRun:Project"];
        return e.Status switch
        {
            401 => new DeployFailedException($"Google did not accept the bot's credentials ({e.Reason}).",
                "Point GOOGLE_APPLICATION_CREDENTIALS at a service account key (or run the bot where Application Default Credentials are set up) and restart it."),
            403 => new DeployFailedException($"The bot's Google account may not do {e.Call} in {project}: {e.Reason}",
                $"Grant its service account the Cloud Build Editor, Cloud Run Developer, Service Account User and Logs Viewer roles on {project}."),
            404 => new DeployFailedException($"Google could not find what {e.Call} asked for ({e.Reason}).",
                $"Check `CloudRun:Project`, `Region` and `Service` of {app.App} in the config."),
            409 or 412 => new DeployFailedException($"The service changed while the bot was updating it ({e.Reason}).", $"Type `status {app.App}` to see it, then try again."),
            429 => new DeployFailedException($"Google's API quota for {project} is used up for now ({e.Reason}).", "Wait a minute and try again."),
            0 or >= 500 => new DeployFailedException($"Google did not answer {e.Call} ({e.Reason}).",
                "Google Cloud may be having trouble (see status.cloud.google.com); try again in a few minutes."),
            _ => new DeployFailedException($"Google refused {e.Call}: {e.Reason}", $"Fix what it says, then try again; `status {app.App}` shows where things stand."),
        };
    }
}
