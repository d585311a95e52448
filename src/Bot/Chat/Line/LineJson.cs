using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bot.Chat.Line;

/// <summary>What the bot sends to and reads from the Messaging API, serialized by generated code (the binary is Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LineReplyRequest))]
[JsonSerializable(typeof(LinePushRequest))]
[JsonSerializable(typeof(LineLoadingRequest))]
[JsonSerializable(typeof(LineProfileResponse))]
[JsonSerializable(typeof(LineErrorResponse))]
internal sealed partial class LineJson : JsonSerializerContext;

internal sealed record LineReplyRequest(string ReplyToken, JsonArray Messages);

internal sealed record LinePushRequest(string To, JsonArray Messages);

internal sealed record LineLoadingRequest(string ChatId, int LoadingSeconds);

/// <summary>The profile, group member profile and room member profile answers share these two fields.</summary>
internal sealed record LineProfileResponse(string? UserId, string? DisplayName);

/// <summary>LINE's error body: a message, and for a bad request which property was wrong and why.</summary>
internal sealed record LineErrorResponse(string? Message, List<LineErrorDetail>? Details);

internal sealed record LineErrorDetail(string? Message, string? Property);
