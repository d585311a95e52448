using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that can leave work going when the bot dies mid-deploy (a shell step still running, a Lambda canary holding
/// part of the traffic) put things right when the deployment is found interrupted. <paramref name="number"/> is the
/// interrupted deployment's, so a target touches only what that deployment made.
/// </summary>
public interface ICleansUpInterrupted
{
    /// <summary>Returns what was stopped or put back (for the deployment's story), or null when nothing was left.</summary>
    Task<string?> CleanUpAsync(AppEnvConfig app, int number, CancellationToken cancellationToken);
}
