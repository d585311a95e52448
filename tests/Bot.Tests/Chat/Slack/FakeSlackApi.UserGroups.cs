using System.Text.Json.Nodes;

namespace Bot.Tests.Chat.Slack;

/// <summary>The workspace's user groups, answered as <c>usergroups.list</c> and <c>usergroups.users.list</c> answer (Slack's own examples' shape).</summary>
public sealed partial class FakeSlackApi
{
    private readonly Dictionary<string, (string Handle, List<string> Members)> _userGroups = new(StringComparer.Ordinal);

    /// <summary>A user group <paramref name="id"/> (<c>S…</c>) with a handle (<c>oncall</c>); adding it again replaces its members.</summary>
    public void SetUserGroup(string id, string handle, params string[] members)
    {
        lock (_gate) _userGroups[id] = (handle, [.. members]);
    }

    private JsonObject UserGroupList() => new()
    {
        ["ok"] = true,
        ["usergroups"] = new JsonArray(_userGroups.Select(g => (JsonNode)new JsonObject
        {
            ["id"] = g.Key, ["team_id"] = TeamId, ["is_usergroup"] = true, ["is_subteam"] = true, ["name"] = g.Value.Handle,
            ["description"] = "", ["handle"] = g.Value.Handle, ["is_external"] = false, ["date_create"] = 1446746793, ["date_update"] = 1446747767,
            ["date_delete"] = 0, ["auto_type"] = null, ["auto_provision"] = false, ["enterprise_subteam_id"] = "", ["created_by"] = "U060RNRCZ",
            ["updated_by"] = "U060RNRCZ", ["deleted_by"] = null, ["prefs"] = new JsonObject { ["channels"] = new JsonArray(), ["groups"] = new JsonArray() },
            ["user_count"] = g.Value.Members.Count,
        }).ToArray()),
    };

    /// <summary>An id Slack does not know is <c>no_such_subteam</c>, as the real method says (not in the old spec's error list).</summary>
    private JsonObject UserGroupUsers(JsonObject args) =>
        Str(args, "usergroup") is { } id && _userGroups.TryGetValue(id, out var g)
            ? new JsonObject { ["ok"] = true, ["users"] = new JsonArray(g.Members.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()) }
            : Refusal("no_such_subteam");
}
