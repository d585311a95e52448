using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Bot.Targets.CloudRun;

/// <summary>
/// The release: a new revision made with traffic held where it is, waited on until ready, then traffic moved to it
/// (all of it, the canary share, or none for a preview) and read back from the service.
/// </summary>
public sealed partial class CloudRunTarget
{
    /// <summary>
    /// What a new revision changes of the service's template: the image a deploy or promote sets, or the env a config change
    /// writes. <see cref="KeepsCode"/>: the revision runs the same code, so the commit it is labelled with and its ref stay.
    /// </summary>
    private sealed record TemplateChange(string What, string NameHint, bool KeepsCode, Action<JsonObject> Apply)
    {
        public static TemplateChange Image(string image) => new(image, "image", false, template =>
        {
            var containers = template["containers"] as JsonArray ?? new JsonArray(new JsonObject());
            template["containers"] = containers;
            ((JsonObject)containers[0]!)["image"] = image;
        });
    }

    /// <summary>
    /// <see cref="RollOutAsync"/>, saying <see cref="GoingLive"/> as traffic is about to move, so the engine puts
    /// <paramref name="previous"/> back on any ending but success.
    /// </summary>
    private async IAsyncEnumerable<DeployEvent> RollOutLiveAsync(DeployRequest request, CloudRunSettings s, TemplateChange change, string? previous,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in RollOutAsync(request, s, change, ct).ConfigureAwait(false))
        {
            // Traffic is what serves: until it moves, the revision made is held with none.
            if (e is StepStarted { Step: "traffic" }) yield return new GoingLive(previous);
            yield return e;
        }
    }

    private async IAsyncEnumerable<DeployEvent> RollOutAsync(DeployRequest request, CloudRunSettings s, TemplateChange change, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new StepStarted("revision");
        var started = time.GetTimestamp();
        var (service, json) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        var held = Held(service);
        var sha = request.Commit?.Sha;
        var name = CloudRunNames.Revision(s.Service, request.Number, request.Commit?.ShortSha ?? change.NameHint);
        var preview = s.Preview;
        var traffic = held.Count == 0 ? [new RunTraffic(RunTraffic.Latest, null, 100)] : held.ToList();
        if (preview && name is not null)
        {
            traffic.RemoveAll(t => t.Tag == s.PreviewTag);
            traffic.Add(new RunTraffic(RunTraffic.ByRevision, name, 0, s.PreviewTag));
        }
        var template = json["template"] as JsonObject ?? new JsonObject();
        json["template"] = template;
        change.Apply(template);
        if (name is not null) template["revision"] = name;
        else template.Remove("revision");
        var labels = template["labels"] as JsonObject ?? new JsonObject();
        labels[CloudRunNames.DeploymentLabel] = request.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (sha is not null) labels[CloudRunNames.ShaLabel] = CloudRunNames.LabelValue(sha);
        else if (!change.KeepsCode) labels.Remove(CloudRunNames.ShaLabel);
        template["labels"] = labels;
        var annotations = template["annotations"] as JsonObject ?? new JsonObject();
        if (!change.KeepsCode) annotations[CloudRunNames.RefAnnotation] = request.Commit?.Label ?? request.Ref ?? change.What;
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
        yield return new Notice($"Revision {made} is ready ({change.What}).");

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
        // From the traffic patch on, a deploy that does not end here in success (a cancel, a shutdown, the bot's own
        // record of it failing) puts the traffic back where it was: nothing claims "cancelled" while the new revision serves.
        var putBack = true;
        RunService moved;
        try
        {
            moved = await MoveTrafficAsync(s, wanted, ct).ConfigureAwait(false);
            try { Verify(moved, made, share); }
            catch (DeployFailedException)
            {
                putBack = false; // someone else set the traffic meanwhile: it is theirs
                throw;
            }
            yield return new StepFinished("traffic", time.GetElapsedTime(started));
            if (share == 100) yield return new Notice($"Traffic verified: {Split(moved)}.");
            yield return new Released(made, request.App.Url ?? moved.Uri);
            putBack = false;
        }
        finally
        {
            if (putBack) await PutTrafficBackAsync(request.App.App, s, held, made).ConfigureAwait(false);
        }
        if (share < 100)
        {
            // Released, and left split: the open canary step is what gives its card Promote now and Roll back.
            yield return new StepStarted("canary");
            yield return new Notice($"Traffic verified: {Split(moved)}. Canary: type `promote {request.App.App} canary` to send it all, or `rollback {request.App.App}` to take it back.");
        }
    }

    /// <summary>Sends the traffic back to <paramref name="held"/>, even when the deploy's own token has fired; says so when it cannot.</summary>
    private async Task PutTrafficBackAsync(string app, CloudRunSettings s, IReadOnlyList<RunTraffic> held, string made)
    {
        if (held.Count == 0) return; // a service that had no traffic: there is nothing earlier to send it to
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60), time);
        try
        {
            var back = await MoveTrafficAsync(s, held, patience.Token).ConfigureAwait(false);
            if ((back.TrafficStatuses ?? []).Any(t => Resolve(t, back) == made && t.Percent > 0))
                throw new DeployFailedException($"This deploy stopped after traffic moved to {made}, and Cloud Run still reports it serving: {Split(back)}.",
                    $"Type `rollback {app}` to move it back.");
        }
        catch (Exception e) when (e is GoogleApiException or OperationCanceledException or HttpRequestException)
        {
            throw new DeployFailedException($"This deploy stopped after traffic moved to {made}, and putting the traffic back failed ({e.Message}).",
                $"Type `status {app}` to see the split, then `rollback {app}`.");
        }
    }

    /// <summary>
    /// Why a revision is not ready: its Ready condition's message and its last log lines, waited for (Cloud Logging shows
    /// them seconds after they are written) up to <see cref="CloudLoggingApi.Patience"/>.
    /// </summary>
    private async Task<string> NotReadyAsync(CloudRunSettings s, string revision, string? operationError, CancellationToken ct)
    {
        string? message = operationError;
        try
        {
            var r = await run.GetRevisionAsync($"{s.ServiceName}/revisions/{revision}", ct).ConfigureAwait(false);
            message = r.Ready?.Message ?? message;
        }
        catch (GoogleApiException) { /* the operation's error says enough */ }
        var waiting = time.GetTimestamp();
        IReadOnlyList<string>? lines;
        for (var look = 0; (lines = await RevisionLinesAsync(s, revision, 5, ct).ConfigureAwait(false)) is { Count: 0 }; look++)
        {
            if (time.GetElapsedTime(waiting) >= CloudLoggingApi.Patience) break;
            await Task.Delay(options.Pause(look), time, ct).ConfigureAwait(false);
        }
        return (message ?? "Cloud Run gave no reason").TrimEnd('.') + lines switch
        {
            null => "",
            { Count: 0 } => $". None of its log lines had reached Cloud Logging {Bot.Text.Format.Duration(CloudLoggingApi.Patience)} later",
            _ => ". Its last log lines: " + string.Join(" · ", lines.Select(l => $"\"{l}\"")),
        };
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
