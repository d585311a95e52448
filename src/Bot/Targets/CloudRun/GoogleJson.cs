using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bot.Targets.CloudRun;

/// <summary>
/// The parts of Cloud Build v1, Cloud Run Admin v2 and Cloud Logging v2 resources the bot reads and sends, by generated
/// code (the binary is Native AOT). A service is patched as the JSON it was read as, so fields the bot does not model survive.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(BuildOperation))]
[JsonSerializable(typeof(CloudBuild))]
[JsonSerializable(typeof(CancelBuildRequest))]
[JsonSerializable(typeof(RunOperation))]
[JsonSerializable(typeof(RunService))]
[JsonSerializable(typeof(RunRevision))]
[JsonSerializable(typeof(RevisionList))]
[JsonSerializable(typeof(RunJobRequest))]
[JsonSerializable(typeof(RunExecution))]
[JsonSerializable(typeof(LogEntriesRequest))]
[JsonSerializable(typeof(LogEntriesPage))]
[JsonSerializable(typeof(GoogleErrorBody))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class GoogleJson : JsonSerializerContext;

/// <summary>Google's error body: <c>{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}</c>.</summary>
public sealed record GoogleErrorBody(GoogleStatus? Error);

public sealed record GoogleStatus(int? Code, string? Message, string? Status = null);

/// <summary>What <c>builds.create</c> answers: an operation whose metadata carries the build.</summary>
public sealed record BuildOperation(string? Name, bool? Done, BuildOperationMetadata? Metadata, GoogleStatus? Error);

public sealed record BuildOperationMetadata(CloudBuild? Build);

public sealed record CloudBuild(
    string? Id, string? Name, string? Status, string? StatusDetail, IReadOnlyList<CloudBuildStep>? Steps, string? LogUrl,
    CloudBuildResults? Results, CloudBuildFailure? FailureInfo, DateTimeOffset? StartTime = null, DateTimeOffset? FinishTime = null)
{
    public bool Finished => Status is not (null or "STATUS_UNKNOWN" or "PENDING" or "QUEUED" or "WORKING");
}

public sealed record CloudBuildStep(string? Id, string? Name, string? Status, GoogleTimeSpan? Timing, IReadOnlyList<string>? Args = null);

public sealed record GoogleTimeSpan(DateTimeOffset? StartTime, DateTimeOffset? EndTime);

public sealed record CloudBuildResults(IReadOnlyList<CloudBuildImage>? Images);

public sealed record CloudBuildImage(string? Name, string? Digest);

public sealed record CloudBuildFailure(string? Type, string? Detail);

public sealed record CancelBuildRequest(string Name);

/// <summary>
/// A Cloud Run long-running operation; its response (the service) is read again with <c>services.get</c>. The metadata of a
/// <c>jobs.run</c> operation is the execution it started, whose name is all the bot reads of it.
/// </summary>
public sealed record RunOperation(string? Name, bool? Done, GoogleStatus? Error, RunOperationMetadata? Metadata = null);

public sealed record RunOperationMetadata(string? Name);

public sealed record RunService(
    string? Name, string? Uri, string? LatestReadyRevision, string? LatestCreatedRevision, IReadOnlyList<RunTraffic>? Traffic,
    IReadOnlyList<RunTrafficStatus>? TrafficStatuses, IReadOnlyList<RunCondition>? Conditions, RunCondition? TerminalCondition,
    bool? Reconciling, RunTemplate? Template);

public sealed record RunTemplate(string? Revision, IReadOnlyList<RunContainer>? Containers);

public sealed record RunContainer(string? Image, string? Name = null, IReadOnlyList<RunEnvVar>? Env = null);

/// <summary>One entry of a container's <c>env</c>: a plain <c>value</c>, or a <c>valueSource</c> naming a Secret Manager secret.</summary>
public sealed record RunEnvVar(string? Name, string? Value = null, RunEnvSource? ValueSource = null)
{
    public RunSecretRef? Secret => ValueSource?.SecretKeyRef;
}

public sealed record RunEnvSource(RunSecretRef? SecretKeyRef);

public sealed record RunSecretRef(string? Secret, string? Version);

/// <summary><c>jobs.run</c>'s body: what this execution changes of the job's container (its args) and its tasks' timeout.</summary>
public sealed record RunJobRequest(RunJobOverrides? Overrides);

public sealed record RunJobOverrides(IReadOnlyList<RunContainerOverride>? ContainerOverrides, string? Timeout = null);

public sealed record RunContainerOverride(IReadOnlyList<string>? Args);

/// <summary>A job's execution: done once it has a <see cref="CompletionTime"/>; its counts and conditions say how it went.</summary>
public sealed record RunExecution(
    string? Name, DateTimeOffset? StartTime, DateTimeOffset? CompletionTime, int? TaskCount, int? RunningCount, int? SucceededCount,
    int? FailedCount, int? CancelledCount, IReadOnlyList<RunCondition>? Conditions, string? LogUri)
{
    public string ShortName => CloudRunNames.Short(Name) ?? "";
    public RunCondition? Completed => Conditions?.FirstOrDefault(c => c.Type == "Completed");
}

/// <summary>One entry of a service's <c>traffic</c>: to the latest ready revision or to a named one, with an optional tag.</summary>
public sealed record RunTraffic(string Type, string? Revision = null, int? Percent = null, string? Tag = null)
{
    public const string Latest = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
    public const string ByRevision = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
}

public sealed record RunTrafficStatus(string? Type, string? Revision, int? Percent, string? Tag, string? Uri);

public sealed record RunCondition(string? Type, string? State, string? Message, string? Reason = null, string? RevisionReason = null, DateTimeOffset? LastTransitionTime = null)
{
    public bool Succeeded => State == "CONDITION_SUCCEEDED";
    public bool Failed => State == "CONDITION_FAILED";
}

public sealed record RunRevision(
    string? Name, IReadOnlyDictionary<string, string>? Labels, IReadOnlyDictionary<string, string>? Annotations,
    IReadOnlyList<RunContainer>? Containers, IReadOnlyList<RunCondition>? Conditions, DateTimeOffset? CreateTime, bool? Reconciling)
{
    public string ShortName => CloudRunNames.Short(Name) ?? "";
    public RunCondition? Ready => Conditions?.FirstOrDefault(c => c.Type == "Ready");
    public string? Label(string key) => Labels?.GetValueOrDefault(key);
}

public sealed record RevisionList(IReadOnlyList<RunRevision>? Revisions, string? NextPageToken);

public sealed record LogEntriesRequest(IReadOnlyList<string> ResourceNames, string Filter, string OrderBy, int PageSize, string? PageToken = null);

public sealed record LogEntriesPage(IReadOnlyList<LogEntry>? Entries, string? NextPageToken);

public sealed record LogEntry(
    string? InsertId, string? TextPayload, JsonElement? JsonPayload, DateTimeOffset? Timestamp, string? Severity, LogResource? Resource,
    IReadOnlyDictionary<string, string>? Labels = null, LogHttpRequest? HttpRequest = null)
{
    /// <summary>
    /// The text of the entry: <c>textPayload</c>, the <c>message</c> of a structured one, or for a request log (which has
    /// no payload) the request: <c>GET 200 /items 0.012s</c>.
    /// </summary>
    public string Text => TextPayload
        ?? (JsonPayload is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null)
        ?? JsonPayload?.GetRawText() ?? HttpRequest?.Describe() ?? "";
}

/// <summary>The request a request-log entry is about (Cloud Run writes one per request, with no text).</summary>
public sealed record LogHttpRequest(string? RequestMethod, string? RequestUrl, int? Status, string? Latency)
{
    public string? Describe()
    {
        var path = Uri.TryCreate(RequestUrl, UriKind.Absolute, out var url) ? url.PathAndQuery : RequestUrl;
        var parts = new[] { RequestMethod, Status?.ToString(System.Globalization.CultureInfo.InvariantCulture), path, Latency }.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}

public sealed record LogResource(string? Type, IReadOnlyDictionary<string, string>? Labels);
