using Bot.Configuration;

namespace Bot.Targets;

/// <summary><c>restart web [process]</c>, where the app's target can (an optional capability, as <see cref="ICanScale"/>).</summary>
public interface ICanRestart
{
    Task<string> RestartAsync(AppEnvConfig app, string? process, CancellationToken cancellationToken);
}
