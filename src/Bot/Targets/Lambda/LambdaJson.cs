using System.Text.Json.Serialization;

namespace Bot.Targets.Lambda;

/// <summary>What the bot sends to and reads from Lambda, CloudWatch and CloudWatch Logs, serialized by generated code.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(LambdaFunction))]
[JsonSerializable(typeof(LambdaConfiguration))]
[JsonSerializable(typeof(UpdateCodeRequest))]
[JsonSerializable(typeof(UpdateConfigurationRequest))]
[JsonSerializable(typeof(PublishVersionRequest))]
[JsonSerializable(typeof(LambdaAlias))]
[JsonSerializable(typeof(UpdateAliasRequest))]
[JsonSerializable(typeof(LambdaVersionList))]
[JsonSerializable(typeof(LambdaAliasList))]
[JsonSerializable(typeof(DescribeAlarmsRequest))]
[JsonSerializable(typeof(DescribeAlarmsAnswer))]
internal sealed partial class LambdaJson : JsonSerializerContext;

/// <summary>CloudWatch Logs speaks camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FilterLogEventsRequest))]
[JsonSerializable(typeof(FilterLogEventsAnswer))]
internal sealed partial class LogsJson : JsonSerializerContext;

/// <summary><c>GetFunction</c>'s answer: the configuration of <c>$LATEST</c> (or the qualifier) and where its code is.</summary>
public sealed record LambdaFunction(LambdaConfiguration Configuration, LambdaCode? Code);

/// <summary>
/// Where a version's code is: <see cref="Location"/>, a presigned URL of the zip (valid for ten minutes), or for an image
/// <see cref="ImageUri"/> as given and <see cref="ResolvedImageUri"/>, the same image by digest.
/// </summary>
public sealed record LambdaCode(string? RepositoryType, string? Location, string? ImageUri, string? ResolvedImageUri = null);

/// <summary>The members of <c>FunctionConfiguration</c> the bot reads.</summary>
public sealed record LambdaConfiguration(
    string FunctionName,
    string? FunctionArn = null,
    string? Version = null,
    string? Description = null,
    long? CodeSize = null,
    string? CodeSha256 = null,
    string? LastModified = null,
    string? RevisionId = null,
    string? State = null,
    string? StateReason = null,
    string? LastUpdateStatus = null,
    string? LastUpdateStatusReason = null,
    string? LastUpdateStatusReasonCode = null,
    string? PackageType = null,
    string? Runtime = null,
    FunctionEnvironment? Environment = null);

/// <summary>A version's environment variables; <see cref="Error"/> when Lambda could not apply them (a KMS key it may not use).</summary>
public sealed record FunctionEnvironment(Dictionary<string, string>? Variables, FunctionEnvironmentError? Error = null);

public sealed record FunctionEnvironmentError(string? ErrorCode, string? Message);

/// <summary><c>UpdateFunctionConfiguration</c> with only the environment: the members left out are left as they are.</summary>
public sealed record UpdateConfigurationRequest(FunctionEnvironment Environment, string? RevisionId);

/// <summary>One of <c>ZipFile</c> (base64 in JSON), <c>S3Bucket</c>+<c>S3Key</c> or <c>ImageUri</c>.</summary>
public sealed record UpdateCodeRequest(byte[]? ZipFile = null, string? S3Bucket = null, string? S3Key = null, string? ImageUri = null,
    string? RevisionId = null, bool? Publish = null);

public sealed record PublishVersionRequest(string? CodeSha256, string? Description, string? RevisionId);

public sealed record LambdaAlias(string Name, string FunctionVersion, string? AliasArn = null, string? Description = null,
    AliasRouting? RoutingConfig = null, string? RevisionId = null)
{
    /// <summary>The version that gets the extra share and its weight (0–1), when the alias splits traffic.</summary>
    public (string Version, double Weight)? Split =>
        RoutingConfig?.AdditionalVersionWeights is { Count: > 0 } w ? (w.First().Key, w.First().Value) : null;
}

public sealed record AliasRouting(Dictionary<string, double>? AdditionalVersionWeights);

public sealed record UpdateAliasRequest(string FunctionVersion, AliasRouting RoutingConfig, string? RevisionId = null, string? Description = null);

public sealed record LambdaVersionList(List<LambdaConfiguration>? Versions, string? NextMarker);

public sealed record LambdaAliasList(List<LambdaAlias>? Aliases, string? NextMarker);

public sealed record DescribeAlarmsRequest(List<string> AlarmNames, int? MaxRecords = null, string? NextToken = null);

public sealed record DescribeAlarmsAnswer(List<MetricAlarm>? MetricAlarms, List<MetricAlarm>? CompositeAlarms, string? NextToken);

/// <summary>An alarm's name and state; <c>StateUpdatedTimestamp</c> is epoch seconds in the JSON protocol.</summary>
public sealed record MetricAlarm(string AlarmName, string? StateValue, string? StateReason, double? StateUpdatedTimestamp);

/// <summary><see cref="LogStreamNamePrefix"/>: only the streams it begins (an ECS container's <c>prefix/container/</c>).</summary>
public sealed record FilterLogEventsRequest(string LogGroupName, long? StartTime, string? FilterPattern, string? NextToken, int? Limit, string? LogStreamNamePrefix = null);

public sealed record FilterLogEventsAnswer(List<FilteredLogEvent>? Events, string? NextToken);

/// <summary><c>timestamp</c> is milliseconds since the epoch (read as a double: moto sends fractions).</summary>
public sealed record FilteredLogEvent(string? LogStreamName, double Timestamp, string? Message, string? EventId);
