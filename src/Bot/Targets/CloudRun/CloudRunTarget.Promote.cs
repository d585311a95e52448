using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Sources;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Promote: the image that serves one service is rolled out on another exactly as a deploy rolls out a given image (a new
/// revision with traffic held, waited on, then traffic moved and read back). Cloud Build does not run.
/// </summary>
/// <remarks>
/// Run Admin v2 reports a revision's image as it was given, with no resolved digest: an image the bot built is given by
/// digest, so it moves exactly; one given by tag (<c>CloudRun:Image</c>) moves by that tag, and the promote says so.
/// </remarks>
public sealed partial class CloudRunTarget : IPromotesArtifact, IPutsBack
{
    /// <summary>The revision with the traffic (the latest ready one when traffic follows the latest), its image and the commit it is labelled with.</summary>
    public async Task<PromotableRelease?> LiveArtifactAsync(AppEnvConfig from, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(from);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, cancellationToken).ConfigureAwait(false);
            if (Serving(service) is not { Length: > 0 } serving) return null;
            var revision = await run.GetRevisionAsync($"{s.ServiceName}/revisions/{serving}", cancellationToken).ConfigureAwait(false);
            if (revision.Containers?.FirstOrDefault()?.Image is not { Length: > 0 } image) return null;
            return new PromotableRelease(image, $"revision {serving} (image {Brief(image)})", revision.Label(CloudRunNames.ShaLabel));
        }
        catch (GoogleApiException e)
        {
            throw Explain(e, from);
        }
    }

    public IAsyncEnumerable<DeployEvent> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken) =>
        PromoteCoreAsync(request, cancellationToken).ExplainedBy((GoogleApiException e) => Explain(e, request.To), cancellationToken);

    /// <summary>Sends all the traffic back to <paramref name="release"/> (a revision) after a promote that moved it and then failed.</summary>
    public IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, CancellationToken cancellationToken) =>
        PutBackCoreAsync(app, release, cancellationToken).ExplainedBy((GoogleApiException e) => Explain(e, app), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> PromoteCoreAsync(PromoteRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var (from, to) = (CloudRunSettings.Read(request.From), CloudRunSettings.Read(request.To));
        if (from.ServiceName == to.ServiceName)
            throw PromoteRefusals.SamePlace(request.From, request.To, $"the Cloud Run service {to.Service}", "CloudRun:Service");
        var image = request.Artifact.Id;
        yield return new Notice($"Deploying {image} from {request.From.Env} ({request.Artifact.Label}); Cloud Build does not run.");
        if (!image.Contains("@sha256:", StringComparison.Ordinal))
            yield return new Notice($"{Brief(image)} is named by tag, not digest, so {to.Service} gets whatever the tag names now.", IsWarning: true);

        var (service, _) = await run.GetServiceAsync(to.ServiceName, ct).ConfigureAwait(false);
        var previous = Serving(service);
        // The new revision records the commit and where it came from (staging@3f2a1c9), as a deploy's records its ref.
        var commit = request.Artifact.Sha is { Length: > 0 } sha ? new ResolvedCommit(request.From.Env, sha, "") : null;
        var deploy = new DeployRequest(request.To, request.Number, $"{request.From.Env} {request.Artifact.Label}", commit, null, request.By);
        await foreach (var e in RollOutLiveAsync(deploy, to, TemplateChange.Image(image), previous, ct).ConfigureAwait(false))
            yield return e;
    }

    private async IAsyncEnumerable<DeployEvent> PutBackCoreAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = CloudRunSettings.Read(app);
        var (service, _) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        yield return new Notice($"Sending all traffic of {s.Service} back to {release} (now {Split(service)}).");
        var moved = await MoveTrafficAsync(s, [new RunTraffic(RunTraffic.ByRevision, release, 100), .. Tags(service)], ct).ConfigureAwait(false);
        Verify(moved, release, 100);
        yield return new Notice($"Traffic verified: {Split(moved)}.");
        // Cloud Run routes to a ready revision at once; nothing checks its health.
        yield return PutBackEnded.Restored(healthChecked: false);
    }

    /// <summary><c>…/apps/site@sha256:1a2b3c4d5e6f</c> → <c>site@sha256:1a2b3c4d5e6f</c>: the image's last name and enough of its digest to tell it.</summary>
    private static string Brief(string image)
    {
        var name = image[(image.LastIndexOf('/') + 1)..];
        return name.IndexOf("@sha256:", StringComparison.Ordinal) is var at and >= 0 && name.Length > at + 8 + 12 ? name[..(at + 8 + 12)] : name;
    }
}
