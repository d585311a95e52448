using Bot.Configuration;

namespace Bot.Targets;

/// <summary>Status details a target can add to <c>status app</c> (formation, dyno states, traffic split).</summary>
public interface IHasStatus
{
    Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken);
}
