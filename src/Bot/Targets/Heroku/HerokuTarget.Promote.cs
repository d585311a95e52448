using System.Runtime.CompilerServices;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

/// <summary>
/// Promote: the slug that serves one Heroku app is released on another as it is, with that app's own config, and the new
/// release is followed like a deploy's (release phase, then <see cref="Released"/>). Nothing is built.
/// </summary>
/// <remarks>
/// Apps in one Heroku pipeline could use a pipeline promotion instead; it does the same slug copy, and a plain release
/// works whether or not the two apps share a pipeline.
/// </remarks>
public sealed partial class HerokuTarget : IPromotesArtifact
{
    /// <summary>The current release of the app and its slug: <c>v42 (slug 1a2b3c4)</c>, with the slug's commit when it has one.</summary>
    public async Task<PromotableRelease?> LiveArtifactAsync(AppEnvConfig from, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(from).App;
        try
        {
            var releases = await api.ListReleasesAsync(heroku, 20, cancellationToken).ConfigureAwait(false);
            if (releases.FirstOrDefault(r => r.Current && r.Status == "succeeded") is not { } live) return null;
            if (live.Slug is not { } slug)
                throw new DeployFailedException($"{live.Name} of {heroku} runs a container image, not a slug, so Heroku cannot release it on another app as it is.",
                    $"Deploy the same commit instead: `deploy {from.App} <sha> to <env>` (`history {from.App} in {from.Env}` shows it).");
            var built = await api.GetSlugAsync(heroku, slug.Id, cancellationToken).ConfigureAwait(false);
            return new PromotableRelease(slug.Id, $"{live.Name} (slug {slug.Id[..Math.Min(7, slug.Id.Length)]})", built.Commit);
        }
        catch (HerokuApiException e)
        {
            throw Explain(e, from);
        }
    }

    public IAsyncEnumerable<DeployEvent> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken) =>
        PromoteCoreAsync(request, cancellationToken).ExplainedBy((HerokuApiException e) => Explain(e, request.To), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> PromoteCoreAsync(PromoteRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var from = HerokuSettings.Read(request.From).App;
        var to = HerokuSettings.Read(request.To).App;
        if (from == to) throw PromoteRefusals.SamePlace(request.From, request.To, $"the Heroku app {to}", "Heroku:App");
        // The label starts with the release's name (v42): the description says where the slug came from.
        var source = request.Artifact.Label.Split(' ', 2)[0];
        yield return new Notice($"Releasing {request.Artifact.Label} of {from} on {to} as it is; nothing is built.");

        // What serves now is what a failed ending puts back, read before the new release can replace it.
        var releases = await api.ListReleasesAsync(to, 20, ct).ConfigureAwait(false);
        yield return new GoingLive(releases.FirstOrDefault(r => r.Current)?.Name);
        var made = await api.CreateReleaseAsync(to, request.Artifact.Id, $"Promote #{request.Number} from {request.From.Env} ({source})", ct).ConfigureAwait(false);
        await foreach (var e in FollowNewReleaseAsync(request.To, to, made, "promote", ct).ConfigureAwait(false))
            yield return e;
    }
}
