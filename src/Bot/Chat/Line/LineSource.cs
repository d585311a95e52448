using System.Text.Json.Nodes;
using Bot.Http;

namespace Bot.Chat.Line;

/// <summary>Who sent an event and where: a 1:1 chat (the user's id), a group or a room.</summary>
public sealed record LineSource(string Kind, string ChatId, string? UserId)
{
    public bool IsGroup => Kind is "group" or "room";

    public string? GroupId => Kind == "group" ? ChatId : null;
    public string? RoomId => Kind == "room" ? ChatId : null;

    public static LineSource? From(JsonObject? source) => source.StringAt("type") switch
    {
        "user" when Id(source, "userId") is { } user => new LineSource("user", user, user),
        "group" when Id(source, "groupId") is { } group => new LineSource("group", group, Id(source, "userId")),
        "room" when Id(source, "roomId") is { } room => new LineSource("room", room, Id(source, "userId")),
        _ => null,
    };

    /// <summary>An empty id is no id: it names no chat to answer in and no profile to look up.</summary>
    private static string? Id(JsonObject? source, string name) => source.StringAt(name) is { Length: > 0 } id ? id : null;

    /// <summary>1:1 chats have user ids (<c>U…</c>); groups <c>C…</c> and rooms <c>R…</c>.</summary>
    public static bool IsOneToOne(string chatId) => chatId.StartsWith('U');
}
