using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>
/// Cloud Build: a build moves one step along at each <c>builds.get</c>; each step logs to Cloud Logging as Cloud Build does:
/// <c>Starting Step #n</c> and its lines as it starts, <c>Finished Step #n</c> as it ends well, an error line as it fails.
/// </summary>
public sealed partial class FakeGoogleCloud
{
    private readonly Dictionary<string, FakeBuild> _builds = [];
    private readonly TaskCompletionSource _buildCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly TaskCompletionSource _buildCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a build has been cancelled.</summary>
    public Task BuildCancelled => _buildCancelled.Task;

    /// <summary>Completes when the first build has been created.</summary>
    public Task BuildCreated => _buildCreated.Task;

    /// <summary>How the next build goes.</summary>
    public BuildScript NextBuild { get; set; } = new();

    public IReadOnlyList<FakeBuild> Builds { get { lock (_gate) return [.. _builds.Values]; } }

    private (int, JsonNode) CreateBuild(string path, JsonObject body)
    {
        var location = Regex.Match(path, "^v1/(projects/[^/]+/locations/[^/]+)/builds$").Groups[1].Value;
        var id = Guid.NewGuid().ToString();
        var build = new FakeBuild(id, body, NextBuild);
        _builds[$"{location}/builds/{id}"] = build;
        _buildCreated.TrySetResult();
        return (200, new JsonObject
        {
            ["name"] = $"{location}/operations/{Guid.NewGuid()}",
            ["metadata"] = new JsonObject { ["@type"] = "type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata", ["build"] = BuildJson(location, build) },
        });
    }

    private (int, JsonNode) GetBuild(string path)
    {
        var name = path["v1/".Length..];
        if (!_builds.TryGetValue(name, out var build)) return Error(404, "NOT_FOUND", $"build {name} not found");
        Advance(name, build);
        return (200, BuildJson(name[..name.IndexOf("/builds/", StringComparison.Ordinal)], build));
    }

    private (int, JsonNode) CancelBuild(string path)
    {
        var name = path["v1/".Length..^":cancel".Length];
        if (!_builds.TryGetValue(name, out var build)) return Error(404, "NOT_FOUND", $"build {name} not found");
        build.Cancelled = true;
        _buildCancelled.TrySetResult();
        if (build.Status is "QUEUED" or "WORKING") build.Status = "CANCELLED";
        return (200, BuildJson(name[..name.IndexOf("/builds/", StringComparison.Ordinal)], build));
    }

    private void Advance(string name, FakeBuild build)
    {
        if (build.Status is not ("QUEUED" or "WORKING")) return;
        var now = Now();
        var steps = (JsonArray)build.Body["steps"]!;
        if (build.Status == "QUEUED")
        {
            build.Status = "WORKING";
            StartStep(name, build, 0, now);
            return;
        }
        if (build.Script.Hold) return;
        var i = Array.IndexOf(build.StepStatus, "WORKING");
        build.StepEnd[i] = now;
        if (build.Script.FailStep == i)
        {
            build.StepStatus[i] = "FAILURE";
            LogBuild(name, i, steps, $"ERROR: step {i} exited with non-zero status: 1", "ERROR");
            build.Status = "FAILURE";
            return;
        }
        build.StepStatus[i] = "SUCCESS";
        LogBuild(name, i, steps, $"Finished Step #{i} - \"{StepId(steps, i)}\"", "INFO");
        if (i + 1 < steps.Count) StartStep(name, build, i + 1, now);
        else build.Status = "SUCCESS";
    }

    private void StartStep(string name, FakeBuild build, int i, DateTimeOffset now)
    {
        build.StepStatus[i] = "WORKING";
        build.StepStart[i] = now;
        var steps = (JsonArray)build.Body["steps"]!;
        LogBuild(name, i, steps, $"Starting Step #{i} - \"{StepId(steps, i)}\"", "INFO");
        for (var k = 1; k <= build.Script.LinesPerStep; k++) LogBuild(name, i, steps, $"step {i} line {k}", "INFO");
    }

    private static string StepId(JsonArray steps, int i) => steps[i]!["id"]?.GetValue<string>() ?? steps[i]!["name"]!.GetValue<string>();

    private void LogBuild(string name, int i, JsonArray steps, string text, string severity)
    {
        var id = StepId(steps, i);
        AddEntry("build", new JsonObject { ["build_id"] = name[(name.LastIndexOf('/') + 1)..], ["project_id"] = Project },
            text, severity, new JsonObject { ["build_step"] = $"Step #{i} - \"{id}\"" });
    }

    private JsonObject BuildJson(string location, FakeBuild build)
    {
        var steps = new JsonArray();
        var body = (JsonArray)build.Body["steps"]!;
        for (var i = 0; i < body.Count; i++)
        {
            var step = body[i]!.DeepClone().AsObject();
            step["status"] = build.StepStatus[i];
            if (build.StepStart[i] is { } start)
                step["timing"] = new JsonObject { ["startTime"] = start.ToString("O"), ["endTime"] = build.StepEnd[i]?.ToString("O") };
            steps.Add(step);
        }
        var json = new JsonObject
        {
            ["id"] = build.Id, ["name"] = $"{location}/builds/{build.Id}", ["projectId"] = Project, ["status"] = build.Status, ["steps"] = steps,
            ["substitutions"] = build.Body["substitutions"]?.DeepClone(), ["source"] = build.Body["source"]?.DeepClone(),
            ["logUrl"] = $"https://console.cloud.google.com/cloud-build/builds;region={Region}/{build.Id}?project={Project}",
            ["createTime"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        if (build.Status == "FAILURE")
            json["statusDetail"] = build.Script.StatusDetail ?? $"Build step failure: build step {build.Script.FailStep} failed: step exited with non-zero status: 1";
        if (build.Status == "SUCCESS" && build.Script.PushImages)
            json["results"] = new JsonObject
            {
                ["images"] = new JsonArray((build.Body["images"] as JsonArray ?? []).Select(i => (JsonNode)new JsonObject
                {
                    ["name"] = Substitute(i!.GetValue<string>(), build), ["digest"] = "sha256:" + new string('a', 64),
                }).ToArray()),
            };
        return json;
    }

    /// <summary>$VAR and ${VAR} as Cloud Build fills them in: the build's substitutions and PROJECT_ID.</summary>
    public static string Substitute(string text, FakeBuild build)
    {
        var values = (build.Body["substitutions"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        values["PROJECT_ID"] = Project;
        return Regex.Replace(text, @"\$\{?([A-Z_][A-Z0-9_]*)\}?", m => values.GetValueOrDefault(m.Groups[1].Value, m.Value));
    }
}
