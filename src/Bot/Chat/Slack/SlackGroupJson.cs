using System.Text.Json.Serialization;

namespace Bot.Chat.Slack;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SlackUserGroupsResponse))]
[JsonSerializable(typeof(SlackUserGroupUsersResponse))]
internal sealed partial class SlackGroupJson : JsonSerializerContext;

internal sealed record SlackUserGroupsResponse(bool Ok, string? Error, List<SlackUserGroupBody>? Usergroups) : ISlackResponse;

internal sealed record SlackUserGroupBody(string Id, string Handle, string? Name);

internal sealed record SlackUserGroupUsersResponse(bool Ok, string? Error, List<string>? Users) : ISlackResponse;
