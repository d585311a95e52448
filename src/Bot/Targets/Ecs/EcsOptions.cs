using System.Globalization;
using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Targets.Ecs;

/// <summary>
/// How often a rollout is looked at: every 5 s by default (ECS changes a deployment's counts and events every few seconds,
/// and a stopped task should be on the card at the next look), or <c>ECS_POLL_INTERVAL</c> milliseconds (tests, slow accounts).
/// </summary>
public sealed record EcsOptions(TimeSpan Poll)
{
    public static readonly EcsOptions Default = new(TimeSpan.FromSeconds(5));

    public static EcsOptions From(IConfiguration configuration)
    {
        if (configuration["ECS_POLL_INTERVAL"] is not { Length: > 0 } p) return Default;
        return int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? new EcsOptions(TimeSpan.FromMilliseconds(ms))
            : throw new ConfigException("ECS_POLL_INTERVAL", $"'{p}' is not a whole number of milliseconds");
    }
}
