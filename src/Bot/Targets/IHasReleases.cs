using Bot.Configuration;

namespace Bot.Targets;

/// <summary>Targets that keep their own release list (Heroku releases, Lambda versions) show it in <c>history</c>.</summary>
public interface IHasReleases
{
    Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken);
}
