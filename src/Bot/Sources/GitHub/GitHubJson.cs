using System.Text.Json.Serialization;

namespace Bot.Sources.GitHub;

/// <summary>What the bot sends to and reads from GitHub's REST API, serialized by generated code (the binary is Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GitHubWire.CombinedStatus))]
[JsonSerializable(typeof(GitHubWire.CheckRunPage))]
[JsonSerializable(typeof(GitHubWire.DeploymentRequest))]
[JsonSerializable(typeof(GitHubWire.Deployment))]
[JsonSerializable(typeof(GitHubWire.DeploymentStatusRequest))]
[JsonSerializable(typeof(GitHubWire.DeploymentStatus))]
[JsonSerializable(typeof(GitHubWire.Error))]
internal sealed partial class GitHubJson : JsonSerializerContext;
