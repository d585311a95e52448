using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// <c>scale web web=2 worker=1</c>. Optional capabilities (this, <see cref="ICanRestart"/>, <see cref="ICanMaintain"/>, ...):
/// help only offers the verbs an app's target implements.
/// </summary>
public interface ICanScale
{
    Task<string> ScaleAsync(AppEnvConfig app, IReadOnlyDictionary<string, int> quantities, string? size, CancellationToken cancellationToken);
}
