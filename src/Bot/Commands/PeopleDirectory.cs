using Bot.Configuration;
using Bot.Deployments;

namespace Bot.Commands;

/// <summary>
/// Who someone is across platforms and whether a config list names them. An entry is an identity (<c>slack:U123</c>),
/// a bare id (<c>U123</c>, any platform), a person of <c>People</c> (<c>ana</c>: all her identities), a group of
/// <c>Groups</c> (<c>@ops</c>, whose members are entries too) or a platform's group (<c>slack:@oncall</c>, <c>slack:S0123</c>).
/// </summary>
public sealed class PeopleDirectory
{
    private readonly BotOptions _options;
    private readonly PeopleOptions _people;
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IGroupDirectory> _directories;
    private readonly List<(IGroupDirectory Directory, string Group)> _platformGroups = [];
    private readonly (IGroupDirectory Directory, List<string> Groups)[] _groupsByDirectory;

    public PeopleDirectory(BotOptions options, PeopleOptions people, AppCatalog apps, IEnumerable<IGroupDirectory> directories)
    {
        (_options, _people) = (options, people);
        _directories = directories.ToDictionary(d => d.Platform, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, identities) in people.People)
            foreach (var identity in identities)
                _owners[Key(identity)] = name;
        var entries = options.Admins.Concat(options.Groups.Values.SelectMany(g => g))
            .Concat(apps.All.SelectMany(a => a.ByEnv.Values).SelectMany(e => e.Deployers.Concat(e.Approvers).Concat(e.Viewers)))
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
            if (PlatformGroup(entry) is { } g && !_platformGroups.Contains(g)) _platformGroups.Add(g);
        _groupsByDirectory = [.. _platformGroups.GroupBy(g => g.Directory).Select(g => (g.Key, g.Select(x => x.Group).ToList()))];
        ConsoleConfigured = people.People.Values.SelectMany(i => i).Concat(entries)
            .Concat(apps.All.SelectMany(a => a.ByEnv.Values).SelectMany(e => e.Channels))
            .Any(e => e.StartsWith("console:", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when some list names a <c>console:</c> identity: the console is then checked like any platform.</summary>
    public bool ConsoleConfigured { get; }

    /// <summary>The <c>People</c> name of whoever sent from <paramref name="origin"/>, if they are listed there.</summary>
    public string? PersonOf(Origin origin) => _owners.GetValueOrDefault(Key(origin.QualifiedUser));

    /// <summary>The person's identities on every platform (just the origin's own when they are not in <c>People</c>).</summary>
    public IReadOnlyList<string> IdentitiesOf(Origin origin) =>
        PersonOf(origin) is { } person ? _people.People[person] : [origin.QualifiedUser];

    /// <summary>
    /// Reads the platform groups the config names (see <see cref="IGroupDirectory.PrepareAsync"/>). Called before every
    /// command, so the grouping is done once, at start, and a config without platform groups costs nothing.
    /// </summary>
    public Task PrepareAsync(bool wait, CancellationToken cancellationToken) => _groupsByDirectory.Length switch
    {
        0 => Task.CompletedTask,
        1 => _groupsByDirectory[0].Directory.PrepareAsync(_groupsByDirectory[0].Groups, wait, cancellationToken),
        _ => Task.WhenAll(_groupsByDirectory.Select(d => d.Directory.PrepareAsync(d.Groups, wait, cancellationToken))),
    };

    public bool IsListed(IReadOnlyList<string> entries, Origin origin)
    {
        var person = PersonOf(origin);
        var identities = IdentitiesOf(origin);
        return entries.Any(e => Matches(e, person, identities, depth: 0));
    }

    private bool Matches(string entry, string? person, IReadOnlyList<string> identities, int depth)
    {
        if (entry.StartsWith('@'))
            return depth < 4 && _options.Groups.TryGetValue(entry[1..], out var members) && members.Any(m => Matches(m, person, identities, depth + 1));
        if (PlatformGroup(entry) is (var directory, var group))
            return directory.Members(group) is { } ids && identities.Any(i => Split(i) is (var p, var id) && p.Equals(directory.Platform, StringComparison.OrdinalIgnoreCase) && ids.Contains(id));
        if (Split(entry) is (var platform, var userId))
            return identities.Any(i => Split(i) is (var p, var id) && p.Equals(platform, StringComparison.OrdinalIgnoreCase) && id == userId);
        if (_people.People.ContainsKey(entry)) return string.Equals(person, entry, StringComparison.OrdinalIgnoreCase);
        return identities.Any(i => Split(i) is (_, var id) && id == entry);
    }

    /// <summary>Who a list names, as a person would ask them: people's names, groups' members, ids where no name is known.</summary>
    public IReadOnlyList<string> Describe(IReadOnlyList<string> entries)
    {
        var names = new List<string>();
        void Add(string entry, int depth)
        {
            if (entry.StartsWith('@') && depth < 4 && _options.Groups.TryGetValue(entry[1..], out var members))
                foreach (var m in members) Add(m, depth + 1);
            else if (PlatformGroup(entry) is (var directory, var group)) names.Add(directory.Describe(group));
            else if (_owners.TryGetValue(Key(entry), out var owner)) names.Add(owner);
            else if (_people.People.Keys.FirstOrDefault(p => p.Equals(entry, StringComparison.OrdinalIgnoreCase)) is { } person) names.Add(person);
            else names.Add(entry);
        }
        foreach (var e in entries) Add(e, 0);
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private (IGroupDirectory Directory, string Group)? PlatformGroup(string entry) =>
        Split(entry) is (var platform, var id) && _directories.TryGetValue(platform, out var directory) && directory.IsGroup(id) ? (directory, id) : null;

    /// <summary>Platforms are matched without regard to case, ids exactly (LINE ids are case-sensitive).</summary>
    private static string Key(string identity) => Split(identity) is (var p, var id) ? $"{p.ToLowerInvariant()}:{id}" : identity;

    private static (string Platform, string Id)? Split(string entry)
    {
        var colon = entry.IndexOf(':');
        return colon <= 0 ? null : (entry[..colon], entry[(colon + 1)..]);
    }
}
