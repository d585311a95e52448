using System.Globalization;
using Bot.Configuration;
using Bot.Processes;
using Bot.Sources;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Stats;

/// <summary>
/// When the oldest commit each deploy brought was made, read from git once per deploy and then kept in a note
/// (scope <see cref="Scope"/>, keyed by deployment id), so asking for stats again never walks git for it again.
/// </summary>
public sealed class LeadTimes(IDeploymentStore store, AppCatalog apps, GitRepositories git, TimeProvider time, ILogger<LeadTimes> logger)
{
    public const string Scope = "leadtime";

    /// <summary>What the note says when a deploy brought no commit the live release lacked.</summary>
    public const string NothingNew = "none";

    /// <summary>See <see cref="DoraCalculator.Compute"/>: the deploys that could not be read are left out.</summary>
    public async Task<IReadOnlyDictionary<long, DateTimeOffset?>> FindAsync(IReadOnlyList<LeadCandidate> candidates, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, DateTimeOffset?>();
        foreach (var c in candidates)
        {
            var key = c.Deployment.Id.ToString(CultureInfo.InvariantCulture);
            var note = await store.GetNoteAsync(Scope, key, cancellationToken).ConfigureAwait(false);
            if (note is null)
            {
                var (read, oldest) = await ReadAsync(c, cancellationToken).ConfigureAwait(false);
                if (!read) continue;
                note = oldest is { } at ? at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : NothingNew;
                await store.SetNoteAsync(Scope, key, note, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            found[c.Deployment.Id] = note == NothingNew ? null
                : long.TryParse(note, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
        }
        return found;
    }

    /// <summary>Read false when git cannot say: no earlier release to compare with, no repository, a commit it cannot find.</summary>
    private async Task<(bool Read, DateTimeOffset? Oldest)> ReadAsync(LeadCandidate c, CancellationToken cancellationToken)
    {
        var d = c.Deployment;
        if (c.PreviousSha is null || d.Sha is null || apps.Find(d.App)?.ByEnv.GetValueOrDefault(d.Env) is not { } app || app.Repository is null) return (false, null);
        try
        {
            return await git.OldestCommitAsync(app, c.PreviousSha, d.Sha, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SourceException or ChildProcessException)
        {
            logger.LogInformation("Lead time of {App} #{Number} left out: {Error}", d.App, d.Number, e.Message);
            return (false, null);
        }
    }
}
