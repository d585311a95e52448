using Bot.Configuration;

namespace Bot.Targets;

/// <summary><c>maintenance web on|off</c>, where the app's target can (an optional capability, as <see cref="ICanScale"/>).</summary>
public interface ICanMaintain
{
    Task<string> SetMaintenanceAsync(AppEnvConfig app, bool on, CancellationToken cancellationToken);
}
