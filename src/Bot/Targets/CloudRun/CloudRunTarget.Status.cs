using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary><c>history</c> from the service's revisions and <c>status</c> from its conditions, URL and traffic.</summary>
public sealed partial class CloudRunTarget
{
    public async Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(app);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, cancellationToken).ConfigureAwait(false);
            var revisions = await run.ListRevisionsAsync(s.ServiceName, count, cancellationToken).ConfigureAwait(false);
            return revisions.Select(r =>
            {
                var share = (service.TrafficStatuses ?? []).Where(t => Resolve(t, service) == r.ShortName).Sum(t => t.Percent ?? 0);
                var tags = (service.TrafficStatuses ?? []).Where(t => Resolve(t, service) == r.ShortName && t.Tag is { Length: > 0 }).Select(t => t.Tag!).ToList();
                var description = $"{share}%" + (tags.Count > 0 ? $" (tag {string.Join(", ", tags)})" : "") +
                                  (r.Label(CloudRunNames.ShaLabel) is { Length: >= 7 } sha ? $" · {sha[..7]}" : "") +
                                  (r.Containers?.FirstOrDefault()?.Image is { } image ? $" · {Clip(image)}" : "") +
                                  (r.Ready?.Succeeded == true ? "" : $" · not ready: {r.Ready?.Message ?? "?"}");
                return new TargetRelease(r.ShortName, description, r.Label(CloudRunNames.DeploymentLabel) is { } n ? $"#{n}" : null,
                    r.CreateTime ?? DateTimeOffset.MinValue, share > 0, r.Ready?.State);
            }).ToList();
        }
        catch (GoogleApiException e) { throw Explain(e, app); }
    }

    public async Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(app);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, cancellationToken).ConfigureAwait(false);
            var ready = service.TerminalCondition;
            // Cloud Run repeats one reason in the service's Ready condition, its other conditions and the revision's own:
            // each is said once.
            var said = new List<string>();
            string? New(string? message)
            {
                if (message is not { Length: > 0 } m || said.Any(s => s.Contains(m, StringComparison.Ordinal))) return null;
                said.Add(m);
                return m;
            }
            var lines = new List<string>
            {
                $"Cloud Run {s.Service} ({s.Region}): " +
                (ready is null ? "no Ready condition" : ready.Succeeded ? "✅ ready" : $"{(ready.Failed ? "❌" : "⏳")} {ready.State}" + (New(ready.Message) is { } why ? $": {why}" : "")) +
                (service.Uri is { } uri ? $" · {uri}" : ""),
                $"Traffic: {Split(service)}",
            };
            foreach (var c in (service.Conditions ?? []).Where(c => !c.Succeeded))
                if (New(c.Message) is { } message) lines.Add($"{c.Type}: {c.State} · {message}");
            if (CloudRunNames.Short(service.LatestCreatedRevision) is { } created && created != CloudRunNames.Short(service.LatestReadyRevision))
            {
                string? reason = null;
                try { reason = New((await run.GetRevisionAsync(service.LatestCreatedRevision!, cancellationToken).ConfigureAwait(false)).Ready?.Message); }
                catch (GoogleApiException) { /* the service's conditions said what they could */ }
                lines.Add($"Newest revision {created} is not ready{(reason is null ? "" : $": {reason.TrimEnd('.')}")} (the latest ready one is {CloudRunNames.Short(service.LatestReadyRevision) ?? "none"}).");
            }
            return lines;
        }
        catch (GoogleApiException e)
        {
            var why = Explain(e, app);
            return [$"Cloud Run {s.Service}: could not ask for its state. {why.Message} {why.Hint}"];
        }
    }

    private static string Clip(string image) => image.Length <= 60 ? image : "…" + image[^59..];
}
