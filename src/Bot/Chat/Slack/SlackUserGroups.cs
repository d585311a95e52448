using System.Collections.Concurrent;
using Bot.Commands;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack user groups named in config (<c>slack:@oncall</c> by handle, <c>slack:S0123</c> by id), read with
/// <c>usergroups.users.list</c> (and <c>usergroups.list</c> to find a handle's id). A group read is kept for
/// <see cref="Lifetime"/> and then read again in the background while the old members still answer; a failed read is
/// not tried again for <see cref="FailureMemory"/>. Only a group never read holds up a command, for at most <see cref="ColdWait"/>.
/// </summary>
public sealed class SlackUserGroups(SlackApi api, SlackOptions options, TimeProvider time, BackgroundWork background, ILogger<SlackUserGroups> logger)
    : IGroupDirectory
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FailureMemory = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ColdWait = TimeSpan.FromSeconds(2);

    private sealed record Entry(IReadOnlySet<string>? Members, DateTimeOffset At, string? Error);

    private readonly ConcurrentDictionary<string, Entry> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _reading = new(StringComparer.Ordinal);

    public string Platform => "slack";

    public bool IsGroup(string id) => id.StartsWith('@') && id.Length > 1 || id.Length > 1 && id[0] == 'S' && id.Skip(1).All(char.IsAsciiLetterOrDigit);

    public IReadOnlySet<string>? Members(string group) => _groups.TryGetValue(group, out var e) ? e.Members : null;

    public string Describe(string group) => $"{(group.StartsWith('@') ? group : $"the user group {group}")} on Slack";

    /// <summary>Why the last read of <paramref name="group"/> failed, if it did.</summary>
    public string? ErrorOf(string group) => _groups.TryGetValue(group, out var e) ? e.Error : null;

    public async Task PrepareAsync(IReadOnlyCollection<string> groups, bool wait, CancellationToken cancellationToken)
    {
        if (!options.CanSend || groups.Count == 0) return;
        var now = time.GetUtcNow();
        var cold = new List<Task>();
        foreach (var group in groups)
        {
            if (!_groups.TryGetValue(group, out var e)) cold.Add(Read(group));
            else if (now - e.At >= (e.Error is null ? Lifetime : FailureMemory))
                background.Run($"Reading the Slack user group {group}", () => Read(group));
        }
        if (cold.Count == 0 || !wait) return;
        try
        {
            await Task.WhenAll(cold).WaitAsync(ColdWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Slack user groups did not answer within {Seconds}s; their members are not known yet", ColdWait.TotalSeconds);
        }
    }

    /// <summary>One read per group at a time; a second caller shares the first one's.</summary>
    private Task Read(string group) => _reading.GetOrAdd(group, g => Task.Run(async () =>
    {
        try { await ReadAsync(g).ConfigureAwait(false); }
        finally { _reading.TryRemove(g, out _); }
    }));

    private async Task ReadAsync(string group)
    {
        try
        {
            var id = group;
            if (group.StartsWith('@'))
            {
                var all = await api.UserGroupsAsync(CancellationToken.None).ConfigureAwait(false);
                id = all.FirstOrDefault(g => g.Handle.Equals(group[1..], StringComparison.OrdinalIgnoreCase))?.Id
                     ?? throw new SlackApiException("usergroups.list", $"no user group with the handle {group}");
            }
            var members = await api.UserGroupMembersAsync(id, CancellationToken.None).ConfigureAwait(false);
            _groups[group] = new Entry(members.ToHashSet(StringComparer.Ordinal), time.GetUtcNow(), null);
        }
        // Polly's rejections too (an open circuit, a time limit): the old members, if any, keep answering.
        catch (Exception e) when (e is OperationCanceledException or SlackApiException or HttpRequestException or ExecutionRejectedException)
        {
            logger.LogWarning("Reading the Slack user group {Group} failed ({Error}); its members count as none for {Minutes} min unless read before",
                group, e.Message, FailureMemory.TotalMinutes);
            _groups[group] = new Entry(Members(group), time.GetUtcNow(), e.Message);
        }
    }
}
