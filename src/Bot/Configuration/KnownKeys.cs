using Bot.Text;
using Microsoft.Extensions.Configuration;

namespace Bot.Configuration;

/// <summary>
/// A key the bot does not know stops startup like a missing one, with its closest spelling:
/// <c>Apps:web:Channel: unknown key; did you mean Channels?</c>
/// </summary>
public static class KnownKeys
{
    /// <summary>The keys of the <c>LogLinks</c> section (signed log and alert page links).</summary>
    public static readonly string[] LogLinks = ["Lifetime"];

    /// <summary>The keys of the <c>Notify</c> section (deploy events sent to webhooks).</summary>
    public static readonly string[] Notify = ["Webhooks", "Secret"];

    /// <summary>The keys of the <c>Retention</c> section (how long output lines and audit entries are kept).</summary>
    public static readonly string[] Retention = ["Output", "Audit"];

    /// <summary>Throws for the first key directly under <paramref name="section"/> that is not one of <paramref name="known"/>.</summary>
    public static void Check(IConfiguration section, string path, IReadOnlyCollection<string> known)
    {
        foreach (var child in section.GetChildren())
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw Unknown($"{path}:{child.Key}", child.Key, known);
    }

    public static ConfigException Unknown(string path, string key, IReadOnlyCollection<string> known) =>
        new(path, Suggest.Best(key, known) is { } near
            ? $"unknown key; did you mean {near}?"
            : $"unknown key; expected one of {string.Join(", ", known)}");
}
