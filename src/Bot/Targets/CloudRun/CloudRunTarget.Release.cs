using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Bot.Targets.CloudRun;

/// <summary>
/// The release: a new revision made with traffic held where it is, waited on until ready, then traffic moved to it
/// (all of it, the canary share, or none for a preview) and read back from the service.
/// </summary>
public sealed partial class CloudRunTarget
{
    private async IAsyncEnumerable<DeployEvent> RollOutAsync(DeployRequest request, CloudRunSettings s, string image, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("revision");
        var started = time.GetTimestamp();
        var (service, json) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        var held = Held(service);
        var sha = request.Commit?.Sha;
        var name = CloudRunNames.Revision(s.Service, request.Number, request.Commit?.ShortSha ?? "image");
        var preview = s.Preview;
        var traffic = held.Count == 0 ? [new RunTraffic(RunTraffic.Latest, null, 100)] : held.ToList();
        if (preview && name is not null)
        {
            traffic.RemoveAll(t => t.Tag == s.PreviewTag);
            traffic.Add(new RunTraffic(RunTraffic.ByRevision, name, 0, s.PreviewTag));
        }
        var template = json["template"] as JsonObject ?? new JsonObject();
        json["template"] = template;
        var containers = template["containers"] as JsonArray ?? new JsonArray(new JsonObject());
        template["containers"] = containers;
        ((JsonObject)containers[0]!)["image"] = image;
        if (name is not null) template["revision"] = name;
        else template.Remove("revision");
        var labels = template["labels"] as JsonObject ?? new JsonObject();
        labels[CloudRunNames.DeploymentLabel] = request.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (sha is not null) labels[CloudRunNames.ShaLabel] = CloudRunNames.LabelValue(sha);
        else labels.Remove(CloudRunNames.ShaLabel);
        template["labels"] = labels;
        var annotations = template["annotations"] as JsonObject ?? new JsonObject();
        annotations[CloudRunNames.RefAnnotation] = request.Commit?.Label ?? request.Ref ?? image;
        if (request.By is { Length: > 0 } by) annotations[CloudRunNames.ByAnnotation] = by;
        template["annotations"] = annotations;
        json["traffic"] = Traffic(traffic);

        var operation = await run.PatchServiceAsync(s.ServiceName, json, ct).ConfigureAwait(false);
        operation = await WaitAsync(operation, ct).ConfigureAwait(false);
        (service, _) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        var made = name ?? CloudRunNames.Short(service.LatestCreatedRevision) ?? "";
        if (operation.Error is { } error || CloudRunNames.Short(service.LatestReadyRevision) != made)
        {
            var why = await NotReadyAsync(s, made, operation.Error?.Message, ct).ConfigureAwait(false);
            throw new DeployFailedException(
                $"Revision {made} did not become ready: {why}. Traffic stays where it was ({Split(service)}).",
                $"Fix what it says (`logs {request.App.App}` shows more) and deploy again; nothing else changed.");
        }
        yield return new StepFinished("revision", time.GetElapsedTime(started));
        yield return new Notice($"Revision {made} is ready ({image}).");

        if (preview)
        {
            var tagUrl = service.TrafficStatuses?.FirstOrDefault(t => t.Tag == s.PreviewTag)?.Uri;
            yield return new Notice($"Preview {made} has no traffic; it answers at its tag URL. Type `promote {request.App.App} preview` to send traffic to it.");
            yield return new Released(made, tagUrl ?? service.Uri);
            yield break;
        }

        yield return new StepStarted("traffic");
        started = time.GetTimestamp();
        var share = s.Canary ?? 100;
        var keepTags = Tags(service);
        List<RunTraffic> wanted = share == 100
            ? [new RunTraffic(RunTraffic.Latest, null, 100), .. keepTags]
            : [new RunTraffic(RunTraffic.ByRevision, made, share), new RunTraffic(RunTraffic.ByRevision, Serving(service) ?? made, 100 - share), .. keepTags];
        var moved = await MoveTrafficAsync(s, wanted, ct).ConfigureAwait(false);
        Verify(moved, made, share);
        yield return new StepFinished("traffic", time.GetElapsedTime(started));
        yield return new Notice($"Traffic verified: {Split(moved)}." +
                                (share < 100 ? $" Canary: type `promote {request.App.App} canary` to send it all, or `rollback {request.App.App}` to take it back." : ""));
        yield return new Released(made, request.App.Url ?? moved.Uri);
    }

    /// <summary>Why a revision is not ready: its Ready condition's message and its last log lines.</summary>
    private async Task<string> NotReadyAsync(CloudRunSettings s, string revision, string? operationError, CancellationToken ct)
    {
        string? message = operationError;
        try
        {
            var r = await run.GetRevisionAsync($"{s.ServiceName}/revisions/{revision}", ct).ConfigureAwait(false);
            message = r.Ready?.Message ?? message;
        }
        catch (GoogleApiException) { /* the operation's error says enough */ }
        var lines = await RevisionLinesAsync(s, revision, 5, ct).ConfigureAwait(false);
        return (message ?? "Cloud Run gave no reason") + (lines.Count > 0 ? ". Its last log lines: " + string.Join(" · ", lines.Select(l => $"\"{l}\"")) : "");
    }

    /// <summary>Waits on a long-running operation, looking again after growing pauses.</summary>
    private async Task<RunOperation> WaitAsync(RunOperation operation, CancellationToken ct)
    {
        for (var look = 0; operation.Done != true; look++)
        {
            await Task.Delay(options.Pause(look), time, ct).ConfigureAwait(false);
            operation = await run.GetOperationAsync(operation.Name!, ct).ConfigureAwait(false);
        }
        return operation;
    }
}
