namespace Bot.Chat.Slack;

/// <summary>The user-group reads behind <c>slack:@oncall</c> and <c>slack:S0123</c> in Deployers and the like (scope <c>usergroups:read</c>).</summary>
public sealed partial class SlackApi
{
    /// <summary><c>usergroups.list</c>: the workspace's user groups, id and handle.</summary>
    public async Task<IReadOnlyList<SlackUserGroup>> UserGroupsAsync(CancellationToken cancellationToken)
    {
        var r = await CallFormAsync("usergroups.list", [], SlackGroupJson.Default.SlackUserGroupsResponse, BotToken, cancellationToken);
        return (r.Usergroups ?? throw Incomplete("usergroups.list", "usergroups")).Select(g => new SlackUserGroup(g.Id, g.Handle, g.Name)).ToList();
    }

    /// <summary><c>usergroups.users.list</c>: the ids of a user group's members.</summary>
    public async Task<IReadOnlyList<string>> UserGroupMembersAsync(string userGroupId, CancellationToken cancellationToken)
    {
        var r = await CallFormAsync("usergroups.users.list", [new("usergroup", userGroupId)], SlackGroupJson.Default.SlackUserGroupUsersResponse, BotToken, cancellationToken);
        return r.Users ?? throw Incomplete("usergroups.users.list", "users");
    }
}
