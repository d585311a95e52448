using System.Text.Json.Nodes;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// Cloud Run: a patched template makes a revision (ready, or failed as <see cref="FakeService.NextRevisionFails"/> says),
/// traffic is checked (shares add up to 100, revisions exist) and resolved as the real service does: LATEST goes to the
/// latest ready revision. Each patch answers an operation that is done at the next look.
/// </summary>
public sealed partial class FakeGoogleCloud
{
    private readonly Dictionary<string, FakeService> _services = [];
    private readonly Dictionary<string, JsonObject> _operations = [];

    /// <summary>How many looks an operation takes before it is done.</summary>
    public int OperationLooks { get; set; } = 1;

    /// <summary>Runs after a patch that moved only traffic has been applied, before it is answered (a cancel arriving then).</summary>
    public Action<FakeService>? AfterTrafficPatch { get; set; }

    public FakeService Service(string name) { lock (_gate) return _services[$"projects/{Project}/locations/{Region}/services/{name}"]; }

    /// <summary>A service with two ready revisions (<c>{name}-00001-aaa</c>, <c>{name}-00002-bbb</c>), all traffic on the latest.</summary>
    public FakeService AddService(string name)
    {
        var s = new FakeService(Project, Region, name)
        {
            Template = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["image"] = $"asia-docker.pkg.dev/{Project}/apps/{name}:old",
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "hello" }),
                    ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
                }),
                ["scaling"] = new JsonObject { ["maxInstanceCount"] = 3 },
            },
            Traffic = [new JsonObject { ["type"] = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", ["percent"] = 100 }],
        };
        var t0 = DateTimeOffset.UtcNow.AddDays(-2);
        s.Revisions.Add(new FakeRevision($"{name}-00001-aaa", $"asia-docker.pkg.dev/{Project}/apps/{name}:older", null, null, t0, true, null, ContainersWith(s, $"asia-docker.pkg.dev/{Project}/apps/{name}:older")));
        s.Revisions.Add(new FakeRevision($"{name}-00002-bbb", $"asia-docker.pkg.dev/{Project}/apps/{name}:old", null, null, t0.AddDays(1), true, null, ContainersWith(s, $"asia-docker.pkg.dev/{Project}/apps/{name}:old")));
        lock (_gate) _services[s.FullName] = s;
        return s;
    }

    /// <summary>The service's template containers, the first one running <paramref name="image"/>: what a revision made from it has.</summary>
    public static JsonArray ContainersWith(FakeService s, string image)
    {
        var containers = (JsonArray)s.Template["containers"]!.DeepClone();
        containers[0]!["image"] = image;
        return containers;
    }

    private (int, JsonNode) GetService(string path) =>
        _services.TryGetValue(path["v2/".Length..], out var s) ? (200, ServiceJson(s)) : Error(404, "NOT_FOUND", $"Resource '{path}' was not found");

    private (int, JsonNode) PatchService(string path, JsonObject body)
    {
        if (!_services.TryGetValue(path["v2/".Length..], out var s)) return Error(404, "NOT_FOUND", $"Resource '{path}' was not found");
        if (body["etag"]?.GetValue<string>() is { } etag && etag != s.Etag) return Error(409, "ABORTED", "the service was changed meanwhile (etag)");
        s.Patches++;
        JsonObject? error = null;
        var template = body["template"] as JsonObject ?? s.Template;
        var newRevision = !JsonNode.DeepEquals(template, s.Template);
        FakeRevision? made = null;
        if (newRevision)
        {
            var name = template["revision"]?.GetValue<string>() ?? $"{s.Name}-{s.Revisions.Count + 1:00000}-x{s.Revisions.Count}z";
            if (s.Revisions.Any(r => r.Name == name)) return Error(409, "ALREADY_EXISTS", $"Revision named '{name}' with different configuration already exists.");
            if (!name.StartsWith(s.Name + "-", StringComparison.Ordinal)) return Error(400, "INVALID_ARGUMENT", "revision name must be prefixed by the service name");
            made = new FakeRevision(name, template["containers"]![0]!["image"]!.GetValue<string>(), template["labels"] as JsonObject, template["annotations"] as JsonObject,
                DateTimeOffset.UtcNow, s.NextRevisionFails is null, s.NextRevisionFails, template["containers"]!.DeepClone().AsArray());
            s.NextRevisionFails = null;
            s.Revisions.Add(made);
            foreach (var line in s.NextRevisionLogs)
                AddEntry("cloud_run_revision", new JsonObject { ["service_name"] = s.Name, ["revision_name"] = name, ["location"] = Region, ["project_id"] = Project },
                    line, line.Contains("error", StringComparison.OrdinalIgnoreCase) ? "ERROR" : "INFO", null);
            s.NextRevisionLogs = [];
            s.Template = template.DeepClone().AsObject();
            if (!made.Ready)
                error = Status(9, $"Revision '{name}' is not ready and cannot serve traffic. {made.Message}");
        }
        if (body["traffic"] is JsonArray traffic && error is null)
        {
            if (TrafficProblem(s, traffic) is { } problem) return Error(400, "INVALID_ARGUMENT", problem);
            s.Traffic = traffic.DeepClone().AsArray();
            if (!newRevision) AfterTrafficPatch?.Invoke(s);
        }
        s.Generation++;
        var operation = $"projects/{Project}/locations/{Region}/operations/{Guid.NewGuid()}";
        _operations[operation] = new JsonObject { ["name"] = operation, ["done"] = false, ["looks"] = 0, ["error"] = error };
        return (200, new JsonObject { ["name"] = operation, ["done"] = false });
    }

    private static string? TrafficProblem(FakeService s, JsonArray traffic)
    {
        var total = 0;
        foreach (var t in traffic.Cast<JsonObject>())
        {
            total += t["percent"]?.GetValue<int>() ?? 0;
            if (t["type"]?.GetValue<string>() == "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION")
            {
                var r = t["revision"]?.GetValue<string>();
                if (s.Revisions.FirstOrDefault(x => x.Name == r) is not { } revision) return $"Revision '{r}' does not exist";
                if (!revision.Ready && t["percent"]?.GetValue<int>() > 0) return $"Revision '{r}' is not ready and cannot serve traffic";
            }
        }
        return total == 100 ? null : $"traffic percentages add up to {total}, not 100";
    }

    private (int, JsonNode) GetOperation(string path)
    {
        if (!_operations.TryGetValue(path["v2/".Length..], out var op)) return Error(404, "NOT_FOUND", "no such operation");
        var looks = op["looks"]!.GetValue<int>() + 1;
        op["looks"] = looks;
        var answer = new JsonObject { ["name"] = op["name"]!.GetValue<string>(), ["done"] = looks >= OperationLooks };
        if (looks >= OperationLooks && op["error"] is JsonObject e) answer["error"] = e.DeepClone();
        return (200, answer);
    }

    private (int, JsonNode) ListRevisions(string path)
    {
        if (!_services.TryGetValue(path["v2/".Length..^"/revisions".Length], out var s)) return Error(404, "NOT_FOUND", "no such service");
        return (200, new JsonObject { ["revisions"] = new JsonArray(s.Revisions.AsEnumerable().Reverse().Select(r => (JsonNode)RevisionJson(s, r)).ToArray()) });
    }

    private (int, JsonNode) GetRevision(string path)
    {
        var name = path["v2/".Length..];
        var service = name[..name.IndexOf("/revisions/", StringComparison.Ordinal)];
        if (!_services.TryGetValue(service, out var s) || s.Revisions.FirstOrDefault(r => $"{service}/revisions/{r.Name}" == name) is not { } revision)
            return Error(404, "NOT_FOUND", $"Revision '{name}' was not found");
        return (200, RevisionJson(s, revision));
    }

    /// <summary>The traffic as resolved: each entry's revision (LATEST → latest ready), share, tag and tag URL.</summary>
    public static List<(string Type, string Revision, int Percent, string? Tag)> Resolved(FakeService s) =>
        s.Traffic.Cast<JsonObject>().Select(t => (
            t["type"]!.GetValue<string>(),
            t["type"]!.GetValue<string>() == "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" ? s.LatestReady?.Name ?? "" : t["revision"]!.GetValue<string>(),
            t["percent"]?.GetValue<int>() ?? 0,
            t["tag"]?.GetValue<string>())).ToList();

    private static JsonObject ServiceJson(FakeService s) => new()
    {
        ["name"] = s.FullName, ["uid"] = "0f6a0e5e-0000-4000-8000-000000000001", ["generation"] = s.Generation.ToString(), ["etag"] = s.Etag,
        ["uri"] = s.Uri, ["urls"] = new JsonArray(s.Uri), ["template"] = s.Template.DeepClone(), ["traffic"] = s.Traffic.DeepClone(),
        ["trafficStatuses"] = new JsonArray(Resolved(s).Select(t =>
        {
            var o = new JsonObject { ["type"] = t.Type, ["percent"] = t.Percent };
            if (t.Type == "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION") o["revision"] = t.Revision;
            if (t.Tag is not null) { o["tag"] = t.Tag; o["uri"] = s.TagUri(t.Tag); }
            return (JsonNode)o;
        }).ToArray()),
        ["latestReadyRevision"] = s.LatestReady is { } ready ? $"{s.FullName}/revisions/{ready.Name}" : null,
        ["latestCreatedRevision"] = s.Revisions.Count > 0 ? $"{s.FullName}/revisions/{s.Revisions[^1].Name}" : null,
        ["terminalCondition"] = Failing(s) is { } failing ? Condition("Ready", false, failing) : Condition("Ready", true, null),
        ["conditions"] = Failing(s) is { } reason
            ? new JsonArray(Condition("RoutesReady", true, null), Condition("ConfigurationsReady", false, reason))
            : new JsonArray(Condition("RoutesReady", true, null), Condition("ConfigurationsReady", true, null)),
        ["reconciling"] = false, ["ingress"] = "INGRESS_TRAFFIC_ALL",
    };

    /// <summary>As Cloud Run says it in the service's conditions when its newest revision could not start.</summary>
    private static string? Failing(FakeService s) =>
        s.Revisions.Count > 0 && s.Revisions[^1] is { Ready: false } r ? $"Revision '{r.Name}' is not ready and cannot serve traffic. {r.Message}" : null;

    private static JsonObject RevisionJson(FakeService s, FakeRevision r) => new()
    {
        ["name"] = $"{s.FullName}/revisions/{r.Name}", ["service"] = s.FullName, ["createTime"] = r.Created.ToString("O"),
        ["labels"] = r.Labels?.DeepClone(), ["annotations"] = r.Annotations?.DeepClone(),
        ["containers"] = r.Containers?.DeepClone() ?? new JsonArray(new JsonObject { ["image"] = r.Image }),
        ["conditions"] = new JsonArray(Condition("Ready", r.Ready, r.Message)), ["reconciling"] = false,
    };

    private static JsonObject Condition(string type, bool ok, string? message)
    {
        var c = new JsonObject { ["type"] = type, ["state"] = ok ? "CONDITION_SUCCEEDED" : "CONDITION_FAILED", ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("O") };
        if (message is not null) c["message"] = message;
        return c;
    }

    private static JsonObject Status(int code, string message) => new() { ["code"] = code, ["message"] = message };
}
