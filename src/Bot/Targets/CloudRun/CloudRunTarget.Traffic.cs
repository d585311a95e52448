using System.Text.Json.Nodes;
using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary>Traffic: what serves now, moving it, reading it back, and which revision a rollback or promote means.</summary>
public sealed partial class CloudRunTarget
{
    /// <summary>The split as it is now, each share pinned to its revision, tags kept: a new revision made with this gets nothing.</summary>
    private static List<RunTraffic> Held(RunService service) =>
        (service.TrafficStatuses ?? [])
        .Select(t => new RunTraffic(RunTraffic.ByRevision, Resolve(t, service), t.Percent is > 0 ? t.Percent : null, t.Tag is { Length: > 0 } tag ? tag : null))
        .Where(t => t.Revision is not null && (t.Percent is > 0 || t.Tag is not null))
        .ToList();

    /// <summary>The service's tags as entries with no share, so moving traffic keeps every tag URL working.</summary>
    private static List<RunTraffic> Tags(RunService service) =>
        Held(service).Where(t => t.Tag is not null).Select(t => t with { Percent = null }).ToList();

    /// <summary>The revision a traffic status sends to; a "latest" share goes to the latest ready revision.</summary>
    private static string? Resolve(RunTrafficStatus t, RunService service) =>
        t.Revision is { Length: > 0 } r ? CloudRunNames.Short(r) : CloudRunNames.Short(service.LatestReadyRevision);

    /// <summary>The revision with the largest share.</summary>
    private static string? Serving(RunService service) =>
        (service.TrafficStatuses ?? []).Where(t => t.Percent > 0).OrderByDescending(t => t.Percent).Select(t => Resolve(t, service)).FirstOrDefault();

    private static JsonArray Traffic(IEnumerable<RunTraffic> traffic) =>
        new(traffic.Select(t => (JsonNode)TrafficNode(t)).ToArray());

    private static JsonObject TrafficNode(RunTraffic t)
    {
        var o = new JsonObject { ["type"] = t.Type };
        if (t.Revision is not null) o["revision"] = t.Revision;
        if (t.Percent is not null) o["percent"] = t.Percent;
        if (t.Tag is not null) o["tag"] = t.Tag;
        return o;
    }

    /// <summary>Sets the service's traffic, waits for the operation, and reads the service back.</summary>
    private async Task<RunService> MoveTrafficAsync(CloudRunSettings s, IReadOnlyList<RunTraffic> traffic, CancellationToken ct)
    {
        var (_, json) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        json["traffic"] = Traffic(traffic);
        var operation = await WaitAsync(await run.PatchServiceAsync(s.ServiceName, json, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var (service, _) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
        if (operation.Error is { } error)
            throw new DeployFailedException($"Cloud Run did not move the traffic of {s.Service}: {error.Message}. It is now {Split(service)}.",
                $"See {s.ConsoleUrl}, then try again.");
        return service;
    }

    /// <summary>Fails unless the service reports <paramref name="percent"/> going to <paramref name="revision"/>.</summary>
    private static void Verify(RunService service, string revision, int percent)
    {
        var got = (service.TrafficStatuses ?? []).Where(t => Resolve(t, service) == revision).Sum(t => t.Percent ?? 0);
        if (got != percent)
            throw new DeployFailedException($"Cloud Run reports {got}% of traffic on {revision}, not {percent}%: {Split(service)}.",
                "Someone may have changed the traffic meanwhile; type `status` to see it, then promote or roll back.");
    }

    /// <summary><c>site-d4-3f2a1c9 90%, site-d3-1b2c3d4 10%, preview → site-d5-…</c></summary>
    internal static string Split(RunService service)
    {
        var parts = (service.TrafficStatuses ?? []).Where(t => t.Percent > 0).OrderByDescending(t => t.Percent)
            .Select(t => $"{Resolve(t, service) ?? "?"} {t.Percent}%" + (t.Type == RunTraffic.Latest ? " (latest)" : "")).ToList();
        parts.AddRange((service.TrafficStatuses ?? []).Where(t => t.Percent is null or 0 && t.Tag is { Length: > 0 }).Select(t => $"tag {t.Tag} → {Resolve(t, service)}"));
        return parts.Count == 0 ? "no traffic" : string.Join(", ", parts);
    }

    /// <summary>The revision named (its name, a sha the bot labelled it with, or <c>#n</c>), or the bot's ready one before the serving one.</summary>
    private static RunRevision PickRollback(AppEnvConfig app, RunService service, IReadOnlyList<RunRevision> revisions, string? named)
    {
        var serving = Serving(service);
        if (named is not null)
        {
            var key = named.Trim().ToLowerInvariant();
            var found = revisions.FirstOrDefault(r => r.ShortName == key)
                ?? revisions.FirstOrDefault(r => key.Length >= 7 && r.Label(CloudRunNames.ShaLabel)?.StartsWith(key, StringComparison.Ordinal) == true)
                ?? revisions.FirstOrDefault(r => key.StartsWith('#') && r.Label(CloudRunNames.DeploymentLabel) == key[1..]);
            if (found is null)
                throw new DeployFailedException($"{app.App} has no revision {named} on Cloud Run.", $"Type `history {app.App}` to see them, then `rollback {app.App} <revision>`.");
            if (found.Ready?.Succeeded != true)
                throw new DeployFailedException($"Revision {found.ShortName} is not ready ({found.Ready?.Message ?? "no Ready condition"}), so it cannot take traffic.",
                    $"Pick another one from `history {app.App}`.");
            return found;
        }
        var current = revisions.FirstOrDefault(r => r.ShortName == serving);
        // A canary is up (the newest revision has a share, the one before keeps most): rolling back ends it on the serving one.
        var latest = CloudRunNames.Short(service.LatestReadyRevision);
        if (current is not null && latest != serving && (service.TrafficStatuses ?? []).Any(t => t.Percent > 0 && Resolve(t, service) == latest))
            return current;
        // The bot's own revisions carry their deployment number: the order they were deployed in, whatever their names.
        var earlier = revisions.Where(r => r.ShortName != serving && r.Ready?.Succeeded == true && (current is null || r.CreateTime < current.CreateTime)).ToList();
        return earlier.Where(r => r.Label(CloudRunNames.DeploymentLabel) is not null).OrderByDescending(r => Number(r)).FirstOrDefault()
            ?? earlier.OrderByDescending(r => r.CreateTime).FirstOrDefault()
            ?? throw new DeployFailedException($"{app.App} has no ready revision before {serving ?? "the serving one"} to roll back to.",
                $"Deploy an older ref instead: `deploy {app.App} <tag|sha>`.");
    }

    private static int Number(RunRevision r) => int.TryParse(r.Label(CloudRunNames.DeploymentLabel), out var n) ? n : 0;

    /// <summary><c>promote site preview</c>: all traffic to the preview's revision; <c>promote site [canary]</c>: all of it to the latest.</summary>
    public async Task<string> PromoteAsync(AppEnvConfig app, string? what, CancellationToken ct)
    {
        var s = CloudRunSettings.Read(app);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, ct).ConfigureAwait(false);
            string revision;
            List<RunTraffic> traffic;
            if (what is { } tag && !tag.Equals("canary", StringComparison.OrdinalIgnoreCase))
            {
                revision = (service.TrafficStatuses ?? []).Where(t => t.Tag == tag.ToLowerInvariant()).Select(t => Resolve(t, service)).FirstOrDefault()
                    ?? throw new DeployFailedException($"{s.Service} has no revision tagged {tag}.", $"Make one with `deploy {app.App} <branch> to <preview environment>` first.");
                traffic = [new RunTraffic(RunTraffic.ByRevision, revision, 100)];
            }
            else
            {
                revision = CloudRunNames.Short(service.LatestReadyRevision) ?? throw new DeployFailedException($"{s.Service} has no ready revision.", $"Deploy first: `deploy {app.App}`.");
                traffic = [new RunTraffic(RunTraffic.Latest, null, 100)];
            }
            traffic.AddRange(Tags(service));
            var moved = await MoveTrafficAsync(s, traffic, ct).ConfigureAwait(false);
            Verify(moved, revision, 100);
            return $"All traffic of {s.Service} is on {revision} now (verified: {Split(moved)}). {app.Url ?? moved.Uri}";
        }
        catch (GoogleApiException e) { throw Explain(e, app); }
    }
}
