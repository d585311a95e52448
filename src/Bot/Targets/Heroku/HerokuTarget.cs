using System.Runtime.CompilerServices;
using Bot.Configuration;

namespace Bot.Targets.Heroku;

/// <summary>
/// Deploys to a Heroku app through the Platform API: a source tarball of the commit, a build (buildpacks or the
/// container stack's <c>heroku.yml</c>, Heroku decides) with its output streamed as progress, then the release it
/// made, release phase included, followed to the end. Rollback asks Heroku to copy an earlier release.
/// </summary>
public sealed partial class HerokuTarget(HerokuApi api, HerokuSources sources, HerokuOptions options, TimeProvider time)
    : IDeployTarget, ICanScale, ICanRestart, ICanMaintain, IHasReleases, IHasStatus, IPutsBack
{
    /// <summary>How often a build or release is looked at again while its output stream is quiet or gone.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    public string Kind => "heroku";

    public void Validate(AppEnvConfig app)
    {
        HerokuSettings.Read(app);
        ValidateTasks(app);
        if (options.ApiKey is null)
            throw new ConfigException("HEROKU_API_KEY", $"not set; {app.App} deploys to Heroku, which needs a Platform API key (`heroku authorizations:create`)");
    }

    public IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, CancellationToken cancellationToken) =>
        DeployCoreAsync(request, cancellationToken).ExplainedBy((HerokuApiException e) => Explain(e, request.App), cancellationToken);

    public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) =>
        RollbackCoreAsync(request, cancellationToken).ExplainedBy((HerokuApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> DeployCoreAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var heroku = HerokuSettings.Read(request.App).App;
        if (request.Commit is not { } commit || request.Source is not { } snapshot)
            throw new DeployFailedException($"{request.App.App} has no repository, so there is no code to send to Heroku.",
                $"Set `Repository` of {request.App.App} to its git URL or path, restart the bot and deploy again.");

        yield return new StepStarted("source");
        var started = time.GetTimestamp();
        var (blob, note) = await sources.PrepareAsync(commit, snapshot, request.App.Repository, ct).ConfigureAwait(false);
        yield return new Notice(note);
        yield return new StepFinished("source", time.GetElapsedTime(started));

        var build = await api.CreateBuildAsync(heroku, blob, ct).ConfigureAwait(false);
        await foreach (var e in FollowBuildAsync(request.App, heroku, build, ct).ConfigureAwait(false))
            yield return e;
    }

    private async IAsyncEnumerable<DeployEvent> RollbackCoreAsync(RollbackRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var heroku = HerokuSettings.Read(request.App).App;
        var target = await PickRollbackAsync(request.App, heroku, request.Release, ct).ConfigureAwait(false);
        await foreach (var e in CopyBackAsync(request.App, heroku, target, ct).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>
    /// A deploy that made a release and then ended any way but success: if Heroku made that release live (its release
    /// phase passed before the cancel), the release that served before is copied back; if not, nothing changed.
    /// </summary>
    public async IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken ct)
    {
        var heroku = HerokuSettings.Read(app).App;
        var releases = await api.ListReleasesAsync(heroku, 20, ct).ConfigureAwait(false);
        if (releases.FirstOrDefault(r => r.Current) is { } current && string.Equals(current.Name, release, StringComparison.OrdinalIgnoreCase))
        {
            yield return new Notice($"{release} is still live on Heroku; the new release never went live.");
            yield return PutBackEnded.NothingToUndo;
            yield break;
        }
        var target = await PickRollbackAsync(app, heroku, release, ct).ConfigureAwait(false);
        // The deployment being ended keeps its own record; the copy is not a release of it.
        await foreach (var e in CopyBackAsync(app, heroku, target, ct).ConfigureAwait(false))
            if (e is not Released) yield return e;
        // Heroku made the copy live; nothing checks that it is healthy.
        yield return PutBackEnded.Restored(healthChecked: false);
    }

    /// <summary>Asks Heroku to copy <paramref name="target"/> as a new release and follows it until it is live.</summary>
    private async IAsyncEnumerable<DeployEvent> CopyBackAsync(AppEnvConfig app, string heroku, HerokuRelease target, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new Notice($"Rolling {heroku} back to {target.Name}{Described(target)}.");
        var release = await api.RollbackAsync(heroku, target.Id, ct).ConfigureAwait(false);
        yield return new StepStarted("release");
        var started = time.GetTimestamp();
        var follow = new ReleaseOutcome();
        await foreach (var e in FollowReleaseAsync(heroku, release, follow, ct).ConfigureAwait(false))
            yield return e;
        if (follow.Release.Status != "succeeded")
            throw new DeployFailedException($"Heroku could not put {target.Name} back: release {follow.Release.Name} {follow.Release.Status}.",
                $"Type `history {app.App}` to see the releases, and `logs {app.App}` for why.");
        yield return new StepFinished("release", time.GetElapsedTime(started));
        yield return new Notice($"{target.Name} is live again as {follow.Release.Name}.");
        yield return new Released(follow.Release.Name, await WebUrlAsync(app, heroku, ct).ConfigureAwait(false));
    }

    /// <summary>The release named (<c>v122</c>, <c>122</c> or an id), or the newest good one before the current.</summary>
    private async Task<HerokuRelease> PickRollbackAsync(AppEnvConfig app, string heroku, string? named, CancellationToken ct)
    {
        if (named is not null)
        {
            var key = named.StartsWith('v') || named.StartsWith('V') ? named[1..] : named;
            try
            {
                return await api.GetReleaseAsync(heroku, key, ct).ConfigureAwait(false);
            }
            catch (HerokuApiException e) when (e.Status is 404 or 400 or 422)
            {
                throw new DeployFailedException($"{heroku} has no release {named} on Heroku.", $"Type `history {app.App}` to see its releases, then `rollback {app.App} v<number>`.");
            }
        }
        var releases = await api.ListReleasesAsync(heroku, 20, ct).ConfigureAwait(false);
        var current = releases.FirstOrDefault(r => r.Current) ?? releases.FirstOrDefault(r => r.Status == "succeeded");
        return releases.FirstOrDefault(r => current is not null && r.Version < current.Version && r.Status == "succeeded" && r.EligibleForRollback != false)
            ?? throw new DeployFailedException($"{heroku} has no earlier release to roll back to{(current is null ? "" : $" (the live one is {current.Name})")}.",
                $"Deploy an older ref instead: `deploy {app.App} <tag|sha>`.");
    }

    private async Task<string?> WebUrlAsync(AppEnvConfig app, string heroku, CancellationToken ct) =>
        app.Url ?? (await api.GetAppAsync(heroku, ct).ConfigureAwait(false)).WebUrl;

    private static string Described(HerokuRelease r) => string.IsNullOrWhiteSpace(r.Description) ? "" : $" ({r.Description})";

    internal static DeployFailedException Explain(HerokuApiException e, AppEnvConfig app)
    {
        var heroku = app.Section["Heroku:App"];
        return e.Status switch
        {
            401 => new DeployFailedException($"Heroku did not accept the API key ({e.Reason}).",
                "Set HEROKU_API_KEY to a valid key (`heroku authorizations:create`) and restart the bot."),
            403 => new DeployFailedException($"The Heroku API key may not do that to {heroku}: {e.Reason}",
                $"Give the key's account access to {heroku} (`heroku access:add`), then try again."),
            404 => new DeployFailedException($"Heroku could not find what {e.Call} asked for ({e.Reason}).",
                $"Check `Heroku:App` of {app.App} (now \"{heroku}\") in the config; `history {app.App}` lists its releases."),
            429 => new DeployFailedException("Heroku's API rate limit for this account is used up (4,500 calls an hour).", "Wait a few minutes and try again."),
            0 or >= 500 => new DeployFailedException($"Heroku did not answer {e.Call} ({e.Reason}).",
                "Heroku may be having trouble (see status.heroku.com); try again in a few minutes."),
            _ => new DeployFailedException($"Heroku refused {e.Call}: {e.Reason}", $"Fix what it says, then try again; `status {app.App}` shows where things stand."),
        };
    }
}
