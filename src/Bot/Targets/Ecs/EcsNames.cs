using System.Globalization;

namespace Bot.Targets.Ecs;

/// <summary>How the bot names revisions (<c>web:42</c>, as the store keeps them) and the tags it puts on the ones it registers.</summary>
public static class EcsNames
{
    public const string DeploymentTag = "deploybot:deployment";
    public const string ShaTag = "deploybot:sha";

    /// <summary><c>arn:aws:ecs:us-east-1:123:task-definition/web:42</c> → <c>web:42</c>; a name stays as it is.</summary>
    public static string Revision(string? taskDefinition) =>
        taskDefinition is null ? "?" : taskDefinition[(taskDefinition.LastIndexOf('/') + 1)..];

    /// <summary><c>web:42</c> → <c>42</c>.</summary>
    public static string Number(string? taskDefinition) => Revision(taskDefinition) is var r && r.LastIndexOf(':') is >= 0 and var colon ? r[(colon + 1)..] : r;

    /// <summary>What <c>rollback web 41</c>, <c>web:41</c> or an ARN names, in <paramref name="family"/>; null when it is none of them.</summary>
    public static string? Named(string named, string family)
    {
        var r = Revision(named.Trim());
        if (r.All(char.IsAsciiDigit) && r.Length > 0) return $"{family}:{r}";
        return r.LastIndexOf(':') is > 0 and var colon && int.TryParse(r[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? r : null;
    }
}
