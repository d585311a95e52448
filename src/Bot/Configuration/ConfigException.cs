namespace Bot.Configuration;

/// <summary>A wrong or missing configuration key. The message is one line naming the key and what is expected.</summary>
public sealed class ConfigException(string key, string problem) : Exception($"{key}: {problem}")
{
    public string Key { get; } = key;
}
