namespace Bot.Commands;

/// <summary>
/// A chat platform's own groups of people (Slack user groups), written in config as <c>slack:@oncall</c> or <c>slack:S0123</c>.
/// Answers come from what was last read; reading again happens off the answering path where it can.
/// </summary>
public interface IGroupDirectory
{
    /// <summary>The platform prefix of the entries this directory answers for (<c>slack</c>).</summary>
    string Platform { get; }

    /// <summary>Whether the part after <c>slack:</c> names a group (<c>@oncall</c>, <c>S0123</c>) rather than a person.</summary>
    bool IsGroup(string id);

    /// <summary>
    /// Reads the groups not read yet, waiting for them only a short while, and those read long ago in the background;
    /// never throws (a group that cannot be read has no members until it can).
    /// </summary>
    Task PrepareAsync(IReadOnlyCollection<string> groups, bool wait, CancellationToken cancellationToken);

    /// <summary>The members' ids as last read; null when the group could not be read (yet).</summary>
    IReadOnlySet<string>? Members(string group);

    /// <summary>How the group is named to a person: <c>@oncall on Slack</c>.</summary>
    string Describe(string group);
}
