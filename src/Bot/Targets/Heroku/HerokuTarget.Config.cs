using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bot.Configuration;
using Bot.Targets.Config;

namespace Bot.Targets.Heroku;

/// <summary>
/// Config vars: listed by name and fingerprint with the release that last set or removed each, and changed with one
/// <c>PATCH</c>, which Heroku turns into a new release. A rollback to an earlier release restores its config too, so a
/// change that fails half-way is put back like a deploy.
/// </summary>
public sealed partial class HerokuTarget : IHasConfig
{
    /// <summary>How many releases are searched for the one that last changed each var.</summary>
    private const int HistoryDepth = 200;

    public async Task<ConfigListing> ReadConfigAsync(AppEnvConfig app, ConfigFingerprints fingerprints, CancellationToken cancellationToken)
    {
        var heroku = HerokuSettings.Read(app).App;
        var values = await Guard(app, api.GetConfigVarsAsync(heroku, cancellationToken)).ConfigureAwait(false);
        var releases = await Guard(app, api.ListReleasesAsync(heroku, HistoryDepth, cancellationToken)).ConfigureAwait(false);
        var changed = LastChanges(releases);
        var vars = values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
        {
            var release = changed.GetValueOrDefault(v.Key);
            return new ConfigVar(v.Key, fingerprints.Of(v.Key, v.Value ?? ""), null, release?.CreatedAt, release?.Name);
        }).ToList();
        return new ConfigListing(vars, $"Heroku config vars of {heroku}");
    }

    public IAsyncEnumerable<DeployEvent> ChangeConfigAsync(ConfigChangeRequest request, CancellationToken cancellationToken) =>
        ChangeConfigCoreAsync(request, cancellationToken).ExplainedBy((HerokuApiException e) => Explain(e, request.App), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> ChangeConfigCoreAsync(ConfigChangeRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var app = request.App;
        var heroku = HerokuSettings.Read(app).App;
        var change = request.Change;
        yield return new StepStarted("config");
        var started = time.GetTimestamp();

        var current = await api.GetConfigVarsAsync(heroku, ct).ConfigureAwait(false);
        var absent = change.Unset.Where(name => !current.ContainsKey(name)).ToList();
        if (absent.Count > 0)
            yield return new Notice($"{string.Join(", ", absent)} {(absent.Count == 1 ? "is" : "are")} not set on {heroku}, so there is nothing to remove.");
        var patch = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in change.Set) patch[name] = value;
        foreach (var name in change.Unset.Except(absent, StringComparer.Ordinal)) patch[name] = null;
        if (patch.Count == 0)
        {
            yield return new StepFinished("config", time.GetElapsedTime(started));
            yield return new Notice($"Nothing changed on {heroku}, so Heroku made no release.");
            yield break;
        }

        // What serves now is what a failed or cancelled change puts back: a rollback to it restores its config too.
        var releases = await api.ListReleasesAsync(heroku, 20, ct).ConfigureAwait(false);
        var before = releases.FirstOrDefault(r => r.Current) ?? releases.FirstOrDefault();
        yield return new GoingLive(before?.Name);
        await api.UpdateConfigVarsAsync(heroku, patch, ct).ConfigureAwait(false);
        var made = await NewReleaseAfterAsync(heroku, before?.Version ?? 0, ct).ConfigureAwait(false)
            ?? throw new DeployFailedException($"Heroku took the change but no new release of {heroku} showed up.",
                $"Type `history {app.App}` to see its releases and `config {app.App}` to see what is set.");
        yield return new StepFinished("config", time.GetElapsedTime(started));
        yield return new Notice($"{change.Summary} on {heroku} as {made.Name}; Heroku restarts the dynos with them.");
        yield return new Released(made.Name, await WebUrlAsync(app, heroku, ct).ConfigureAwait(false));
    }

    /// <summary>The newest release after <paramref name="version"/>: Heroku makes it with the PATCH, so it is there at once or soon.</summary>
    private async Task<HerokuRelease?> NewReleaseAfterAsync(string heroku, int version, CancellationToken ct)
    {
        for (var look = 0; look < 5; look++)
        {
            if (look > 0) await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
            var releases = await api.ListReleasesAsync(heroku, 5, ct).ConfigureAwait(false);
            if (releases.Where(r => r.Version > version).MaxBy(r => r.Version) is { } made) return made;
        }
        return null;
    }

    /// <summary>
    /// The newest release that set or removed each var, from the descriptions Heroku writes for a change
    /// (<c>Set FOO, BAR config vars</c>, <c>Remove FOO config vars</c>).
    /// </summary>
    internal static Dictionary<string, HerokuRelease> LastChanges(IEnumerable<HerokuRelease> releases)
    {
        var found = new Dictionary<string, HerokuRelease>(StringComparer.Ordinal);
        foreach (var release in releases.OrderByDescending(r => r.Version))
        {
            if (release.Description is null || ConfigDescription().Match(release.Description) is not { Success: true } m) continue;
            foreach (var name in m.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                found.TryAdd(name, release);
        }
        return found;
    }

    [GeneratedRegex(@"^(?:Set|Remove|Unset|Update) (?<names>[\w, ]+?) config vars?$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigDescription();
}
