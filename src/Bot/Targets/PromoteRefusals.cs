using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// The two promotes no target can do, said the same way by all of them: nothing serves where the artifact should come
/// from (<see cref="IPromotesArtifact.LiveArtifactAsync"/> answered null), or both environments are one place.
/// </summary>
public static class PromoteRefusals
{
    public static DeployFailedException NothingLive(AppEnvConfig from, AppEnvConfig to) =>
        new($"Nothing serves {from.App} in {from.Env}, so there is nothing to promote to {to.Env}.",
            $"Deploy to {from.Env} first (`deploy {from.App} <branch> to {from.Env}`), then type `promote {from.App} {from.Env} to {to.Env}` again.");

    /// <summary><paramref name="place"/> names it (<c>the Heroku app acme-web</c>); <paramref name="key"/> is the setting that should differ.</summary>
    public static DeployFailedException SamePlace(AppEnvConfig from, AppEnvConfig to, string place, string key) =>
        new($"{from.Env} and {to.Env} of {from.App} are both {place}, so promoting would change nothing.",
            $"Give {to.Env} its own `{key}` in the config, or promote to another environment (`promote {from.App} {from.Env} to <env>`).");
}
