using System.Globalization;

namespace Bot.Deployments.Pushes;

/// <summary>
/// The GitHub deployment's id, kept as a note in the store: claimed as <c>creating:&lt;process&gt;</c> before it is
/// created, so of several processes exactly one creates it, then the id for every later status, from any process.
/// </summary>
public sealed partial class GitHubDeployments
{
    public const string NoteScope = "github-deployment";

    /// <summary>Creating it failed: GitHub may have created it all the same (a time-out), so nobody creates it again.</summary>
    public const string GaveUpNote = "failed";

    private const string Creating = "creating:";

    /// <summary>How often, and how many times, a status looks again while another process creates the deployment (one call).</summary>
    public static readonly TimeSpan CreatingLookEvery = TimeSpan.FromSeconds(1);
    public const int CreatingLooks = 15;

    /// <summary>The deployment's id on GitHub, created here when nobody has; null when there is nothing to send a status to.</summary>
    private async Task<long?> GitHubIdAsync(Lane lane, Deployment d, CancellationToken cancellationToken)
    {
        var key = d.Id.ToString(CultureInfo.InvariantCulture);
        var mine = Creating + identity.Id;
        for (var look = 1; ; look++)
        {
            var note = await store.GetNoteAsync(NoteScope, key, cancellationToken).ConfigureAwait(false);
            if (long.TryParse(note, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
            if (note == GaveUpNote)
            {
                lane.GaveUp = true;
                return null;
            }
            // Not there, let go, or claimed by a process that died before it wrote the id.
            if (note is null || !note.StartsWith(Creating, StringComparison.Ordinal) || identity.IsGone(note[Creating.Length..]))
            {
                // GitHub was never told it was queued or running: nothing stale to clear.
                if (GitHubStatus.OnlyClears(d.State)) return null;
                if (await store.ClaimNoteAsync(NoteScope, key, mine, note, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) == mine)
                    return await CreateAsync(lane, d, key, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (look >= CreatingLooks) throw new TimeoutException($"another process ({note[Creating.Length..]}) did not finish creating it");
            await Task.Delay(CreatingLookEvery, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> CreateAsync(Lane lane, Deployment d, string key, CancellationToken cancellationToken)
    {
        long id;
        try
        {
            id = await github.CreateDeploymentAsync(lane.Repository, d.Sha!, d.Ref, d.Env, GitHubStatus.Describe(d), GitHubStatus.IsProduction(d.Env),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lane.GaveUp = true;
            await store.SetNoteAsync(NoteScope, key, GaveUpNote, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await store.SetNoteAsync(NoteScope, key, id.ToString(CultureInfo.InvariantCulture), time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        return id;
    }
}
