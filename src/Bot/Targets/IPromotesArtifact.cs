using Bot.Configuration;

namespace Bot.Targets;

/// <summary>
/// Targets that can put exactly what serves in one environment onto another without building it again
/// (<c>promote web staging to production</c>): a Heroku slug, a Lambda version, a Cloud Run image by digest.
/// Promoting follows the same rules as deploying (steps, <see cref="GoingLive"/>, <see cref="Released"/>), so the
/// engine runs it like a deploy. A target without this interface promotes by deploying the same commit again.
/// </summary>
public interface IPromotesArtifact
{
    /// <summary>What serves in <paramref name="from"/> now; null when nothing does.</summary>
    Task<PromotableRelease?> LiveArtifactAsync(AppEnvConfig from, CancellationToken cancellationToken);

    IAsyncEnumerable<DeployEvent> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken);
}
