using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bot.Chat.Slack;

/// <summary>What the bot sends to and reads from Slack, serialized by generated code (the binary is Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackChatRequest))]
[JsonSerializable(typeof(SlackResponseUrlRequest))]
[JsonSerializable(typeof(List<SlackFileRef>))]
[JsonSerializable(typeof(SlackAckResponse))]
[JsonSerializable(typeof(SlackAuthResponse))]
[JsonSerializable(typeof(SlackPostResponse))]
[JsonSerializable(typeof(SlackUserResponse))]
[JsonSerializable(typeof(SlackUploadUrlResponse))]
[JsonSerializable(typeof(SlackConnectionResponse))]
[JsonSerializable(typeof(SlackViewOpenRequest))]
[JsonSerializable(typeof(SlackFileInfoResponse))]
internal sealed partial class SlackJson : JsonSerializerContext;

/// <summary>The body of <c>chat.postMessage</c>, <c>chat.update</c> and <c>chat.postEphemeral</c>; each sets only the fields it takes.</summary>
internal sealed record SlackChatRequest(
    string Channel,
    string Text,
    JsonArray? Blocks = null,
    string? ThreadTs = null,
    string? Ts = null,
    string? User = null,
    bool? UnfurlLinks = null);

/// <summary>The body posted to a <c>response_url</c>.</summary>
internal sealed record SlackResponseUrlRequest(string Text, JsonArray? Blocks, string? ResponseType, bool? ReplaceOriginal);

/// <summary>One entry of the <c>files</c> argument of <c>files.completeUploadExternal</c>.</summary>
internal sealed record SlackFileRef(string Id, string? Title);

/// <summary>The body of <c>views.open</c>: the view as JSON text.</summary>
internal sealed record SlackViewOpenRequest(string TriggerId, string View);

/// <summary>Every Web API answer carries these two.</summary>
internal interface ISlackResponse
{
    bool Ok { get; }
    string? Error { get; }
}

internal sealed record SlackAckResponse(bool Ok, string? Error) : ISlackResponse;

internal sealed record SlackAuthResponse(bool Ok, string? Error, string? UserId, string? BotId, string? Team, string? TeamId, string? Url) : ISlackResponse;

internal sealed record SlackPostResponse(bool Ok, string? Error, string? Channel, string? Ts) : ISlackResponse;

internal sealed record SlackUserResponse(bool Ok, string? Error, SlackUserBody? User) : ISlackResponse;

internal sealed record SlackUserBody(string Id, string Name, string? RealName, SlackProfileBody? Profile);

internal sealed record SlackProfileBody(string? DisplayName, string? RealName);

internal sealed record SlackUploadUrlResponse(bool Ok, string? Error, string? UploadUrl, string? FileId) : ISlackResponse;

internal sealed record SlackConnectionResponse(bool Ok, string? Error, string? Url) : ISlackResponse;

internal sealed record SlackFileInfoResponse(bool Ok, string? Error, SlackFileBody? File) : ISlackResponse;

internal sealed record SlackFileBody(string? Id, string? Name, string? Title, long? Size, string? Mimetype, string? UrlPrivate, string? UrlPrivateDownload);
