using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// <c>People:&lt;name&gt;</c>: the identities one person has on each platform (<c>slack:U024BE7LH</c>, <c>line:U4af…</c>,
/// <c>console:ana</c>), so a rule that names the person covers all of them and the audit log names the person.
/// Also the process-wide <c>RateLimit</c>.
/// </summary>
public sealed record PeopleOptions(IReadOnlyDictionary<string, IReadOnlyList<string>> People, RateLimit RateLimit)
{
    public static readonly PeopleOptions None = new(new Dictionary<string, IReadOnlyList<string>>(), RateLimit.Default);

    /// <summary>Reads <c>People</c> and <c>RateLimit</c>; an identity not written <c>platform:id</c>, or one given to two people, stops startup.</summary>
    public static PeopleOptions From(IConfiguration configuration)
    {
        var people = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var owner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var section = configuration.GetSection("People");
        foreach (var person in section.GetChildren())
        {
            if (!AppCatalog.IsName(person.Key))
                throw new ConfigException(person.Path, "a person's name uses letters, digits, '-', '_' and '.' only (it is written in Deployers and Groups)");
            var identities = AppCatalog.List(section, person.Key);
            foreach (var identity in identities)
            {
                var colon = identity.IndexOf(':');
                if (colon <= 0 || colon == identity.Length - 1 || identity[(colon + 1)..].StartsWith('@'))
                    throw new ConfigException(person.Path, $"'{identity}' should be platform:id, e.g. slack:U024BE7LH, line:U4af4980629… or console:ana");
                if (owner.TryGetValue(identity, out var other) && !other.Equals(person.Key, StringComparison.OrdinalIgnoreCase))
                    throw new ConfigException(person.Path, $"'{identity}' is already {other}'s; one identity belongs to one person");
                owner[identity] = person.Key;
            }
            people[person.Key] = identities;
        }
        return new PeopleOptions(people, RateLimit.Parse(configuration[RateLimit.Key]));
    }
}
