using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// A target's own section of an app (<c>Shell</c>, <c>Heroku</c>, ...) that remembers the keys its reader asks for.
/// <see cref="RejectUnknown"/> then refuses any other key, so the keys a target knows are exactly the keys its
/// settings record reads, and the list cannot drift from the code.
/// </summary>
public sealed class SettingsSection(AppEnvConfig app, string name)
{
    private readonly IConfigurationSection _section = app.Section.GetSection(name);
    private readonly HashSet<string> _asked = new(StringComparer.OrdinalIgnoreCase);

    public string? this[string key]
    {
        get
        {
            _asked.Add(key);
            return _section[key];
        }
    }

    /// <summary>A nested key (a map such as <c>Shell:Env</c> or a list such as <c>Lambda:Alarms</c>).</summary>
    public IConfigurationSection Section(string key)
    {
        _asked.Add(key);
        return _section.GetSection(key);
    }

    /// <summary>A list key, as a JSON array or one comma-separated string.</summary>
    public IReadOnlyList<string> List(string key)
    {
        _asked.Add(key);
        return AppCatalog.List(_section, key);
    }

    /// <summary>The full path of one of this section's keys, for messages: <c>Apps:web:Shell:Deploy</c>.</summary>
    public string KeyOf(string key) => app.KeyOf($"{name}:{key}");

    /// <summary>
    /// The error for a required key that is not there; when a key under the section is a misspelling of it
    /// (<c>Shell:Deplyo</c>), that key is named instead, as it is the one to fix.
    /// </summary>
    public ConfigException Missing(string key, string what)
    {
        foreach (var child in _section.GetChildren())
            if (!_asked.Contains(child.Key) && !child.Key.Equals(key, StringComparison.OrdinalIgnoreCase)
                && Text.Suggest.Best(child.Key, [key]) is not null)
                return new ConfigException(KeyOf(child.Key), $"unknown key; did you mean {key}?");
        return new ConfigException(KeyOf(key), $"missing; {what}");
    }

    /// <summary>Call once every key has been read: anything else under the section is a typo or a key of another target.</summary>
    public void RejectUnknown() => KnownKeys.Check(_section, app.KeyOf(name), _asked);
}
