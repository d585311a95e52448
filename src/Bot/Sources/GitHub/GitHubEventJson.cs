using System.Text.Json.Serialization;

namespace Bot.Sources.GitHub;

/// <summary>Reads webhook deliveries into <see cref="GitHubEvent"/> by generated code (the binary is Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 64)]
[JsonSerializable(typeof(GitHubEvent))]
internal sealed partial class GitHubEventJson : JsonSerializerContext;
