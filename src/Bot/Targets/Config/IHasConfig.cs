using Bot.Configuration;

namespace Bot.Targets.Config;

/// <summary>
/// Targets whose apps have config vars the bot can list and change (<c>config web</c>, <c>config set web KEY=…</c>).
/// A change follows the rules of a deploy (steps, <see cref="GoingLive"/>, <see cref="Released"/>), so the engine runs it
/// like one and a rollback to the release before it undoes it where the target keeps releases. Values never leave the
/// target's own calls: what is listed is names and <see cref="ConfigFingerprints"/>.
/// </summary>
public interface IHasConfig
{
    Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken);

    IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, CancellationToken cancellationToken);

    /// <summary>The platform's limits on a change (Lambda: 4 KB of variables in all); null when it may go ahead.</summary>
    string? CheckLimits(AppEnvConfig app, ConfigChange change) => null;
}
