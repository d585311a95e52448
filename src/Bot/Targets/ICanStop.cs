using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that run an app on the bot's own host can stop its live release (<c>Shell:Stop</c>), so leaving the console
/// does not leave a server it started holding a port for the next person.
/// </summary>
public interface ICanStop
{
    /// <summary>What was done, or null when the app has no stop command or nothing live to stop.</summary>
    Task<string?> StopAsync(AppEnvConfig app, CancellationToken cancellationToken);
}
