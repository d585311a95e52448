using System.Text.Json.Serialization;

namespace Bot.Targets.Heroku;

/// <summary>What the bot sends to and reads from the Platform API, serialized by generated code (the binary is Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HerokuBuildRequest))]
[JsonSerializable(typeof(HerokuBuild))]
[JsonSerializable(typeof(HerokuRelease))]
[JsonSerializable(typeof(List<HerokuRelease>))]
[JsonSerializable(typeof(HerokuRollbackRequest))]
[JsonSerializable(typeof(HerokuReleaseRequest))]
[JsonSerializable(typeof(HerokuSlug))]
[JsonSerializable(typeof(HerokuSource))]
[JsonSerializable(typeof(HerokuLogSessionRequest))]
[JsonSerializable(typeof(HerokuLogSession))]
[JsonSerializable(typeof(HerokuFormationRequest))]
[JsonSerializable(typeof(List<HerokuFormation>))]
[JsonSerializable(typeof(List<HerokuDyno>))]
[JsonSerializable(typeof(HerokuDyno))]
[JsonSerializable(typeof(HerokuDynoRequest))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(HerokuApp))]
[JsonSerializable(typeof(HerokuAppUpdate))]
[JsonSerializable(typeof(HerokuWebhookRequest))]
[JsonSerializable(typeof(HerokuWebhook))]
[JsonSerializable(typeof(List<HerokuWebhook>))]
[JsonSerializable(typeof(HerokuError))]
internal sealed partial class HerokuJson : JsonSerializerContext;

public sealed record HerokuBuildRequest(HerokuSourceBlob SourceBlob);

/// <summary>Where Heroku fetches the gzipped tarball from; <see cref="Version"/> is the commit sha.</summary>
public sealed record HerokuSourceBlob(string Url, string? Version = null, string? VersionDescription = null);

public sealed record HerokuBuild(string Id, string Status, string? OutputStreamUrl, HerokuId? Release, DateTimeOffset? CreatedAt = null);

public sealed record HerokuId(string Id);

public sealed record HerokuRelease(
    string Id, int Version, string Status, string? Description, bool Current, string? OutputStreamUrl,
    HerokuUser? User, DateTimeOffset CreatedAt, bool? EligibleForRollback = null, HerokuId? Slug = null)
{
    public string Name => $"v{Version}";
}

public sealed record HerokuUser(string? Email);

public sealed record HerokuRollbackRequest(string Release);

/// <summary>A new release of a slug that already exists (built for this app or another): release Create in the schema.</summary>
public sealed record HerokuReleaseRequest(string Slug, string? Description);

/// <summary>A built slug; <see cref="Commit"/> is the sha it was built from, when the build was given one.</summary>
public sealed record HerokuSlug(string Id, string? Commit, string? CommitDescription = null);

public sealed record HerokuSource(HerokuSourceUrls SourceBlob);

public sealed record HerokuSourceUrls(string GetUrl, string PutUrl);

public sealed record HerokuLogSessionRequest(int Lines, bool Tail, string? DynoName = null, string? Source = null);

public sealed record HerokuLogSession(string LogplexUrl);

public sealed record HerokuFormationRequest(IReadOnlyList<HerokuFormationUpdate> Updates);

public sealed record HerokuFormationUpdate(string Type, int? Quantity, HerokuDynoSize? DynoSize);

public sealed record HerokuDynoSize(string? Name);

public sealed record HerokuFormation(string Type, int Quantity, HerokuDynoSize? DynoSize, string? Size = null)
{
    public string? SizeName => DynoSize?.Name ?? Size;
}

public sealed record HerokuDyno(string Name, string Type, string State, HerokuDynoRelease? Release, DateTimeOffset? UpdatedAt);

public sealed record HerokuDynoRelease(int Version);

/// <summary>A one-off dyno: <see cref="Attach"/> false runs it detached, <see cref="TimeToLive"/> in seconds (at most a day).</summary>
public sealed record HerokuDynoRequest(string Command, bool Attach, string Type, int TimeToLive);

public sealed record HerokuApp(string Name, bool Maintenance, string? WebUrl);

public sealed record HerokuAppUpdate(bool Maintenance);

public sealed record HerokuWebhookRequest(IReadOnlyList<string> Include, string Level, string Url, string? Secret);

public sealed record HerokuWebhook(string Id, string Url, IReadOnlyList<string>? Include, string? Level);

/// <summary>Heroku's error body: <c>{"id": "not_found", "message": "Couldn't find that app."}</c>.</summary>
public sealed record HerokuError(string? Id, string? Message);
