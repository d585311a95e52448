using System.Text.Json.Nodes;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>How the next build goes: lines each step prints, the step that fails (if any), whether it pushes its images, whether it stays in its first step.</summary>
public sealed record BuildScript(int? FailStep = null, int LinesPerStep = 2, bool PushImages = true, string? StatusDetail = null, bool Hold = false);

/// <summary>A build as the fake runs it: one step further at each look.</summary>
public sealed class FakeBuild(string id, JsonObject body, BuildScript script)
{
    public string Id { get; } = id;
    public JsonObject Body { get; } = body;
    public BuildScript Script { get; } = script;
    public string Status { get; set; } = "QUEUED";
    public string[] StepStatus { get; } = Enumerable.Repeat("PENDING", ((JsonArray)body["steps"]!).Count).ToArray();
    public DateTimeOffset?[] StepStart { get; } = new DateTimeOffset?[((JsonArray)body["steps"]!).Count];
    public DateTimeOffset?[] StepEnd { get; } = new DateTimeOffset?[((JsonArray)body["steps"]!).Count];
    public bool Cancelled { get; set; }
}

/// <summary>A revision of the fake service; <paramref name="Containers"/> as its template had them (else one with <paramref name="Image"/>).</summary>
public sealed record FakeRevision(string Name, string Image, JsonObject? Labels, JsonObject? Annotations, DateTimeOffset Created, bool Ready, string? Message, JsonArray? Containers = null);

/// <summary>
/// A Cloud Run service as the fake keeps it: revisions (newest last), the traffic as asked and as resolved, and
/// what the next revision does (becomes ready, or fails with a message). LATEST traffic resolves to the latest ready revision.
/// </summary>
public sealed class FakeService(string project, string region, string name)
{
    public string Project { get; } = project;
    public string Region { get; } = region;
    public string Name { get; } = name;
    public string FullName => $"projects/{Project}/locations/{Region}/services/{Name}";
    public string Host => $"{Name}-abc123xyz-an.a.run.app";
    public string Uri => $"https://{Host}";
    public List<FakeRevision> Revisions { get; } = [];
    public JsonArray Traffic { get; set; } = [];
    public JsonObject Template { get; set; } = new();
    public int Generation { get; set; } = 1;
    public string? NextRevisionFails { get; set; }

    /// <summary>Lines the next revision logs as it is made (a container that fails to start says why).</summary>
    public string[] NextRevisionLogs { get; set; } = [];
    public int Patches { get; set; }

    public string Etag => $"\"g{Generation}\"";

    public FakeRevision? LatestReady => Revisions.LastOrDefault(r => r.Ready);

    public string TagUri(string tag) => $"https://{tag}---{Host}";
}
