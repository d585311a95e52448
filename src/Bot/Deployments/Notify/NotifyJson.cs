using System.Text.Json.Serialization;

namespace Bot.Deployments.Notify;

/// <summary>A deploy event in CloudEvents 1.0 structured mode: the envelope's attributes, and the deployment in <see cref="Data"/>.</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] DeployEventData Data);

/// <summary>
/// What a deploy event says of its deployment as it stood at that state: never a config value (a config change's
/// subject names keys only), and its message as the card shows it, through the redactor.
/// </summary>
public sealed record DeployEventData(
    string App, string Environment, string? Target, int Number, string Kind, string State,
    string? Sha, string? Ref, string? Subject, DeployEventPerson Who,
    string? Message, string? Release, string? ReleaseUrl, string? LogUrl,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>Who asked, as the audit names them: a display name and <c>platform:id</c> (or a pusher's <c>github:login</c>).</summary>
public sealed record DeployEventPerson(string Name, string Id);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CloudEvent))]
internal sealed partial class NotifyJson : JsonSerializerContext;
