using System.Globalization;
using Bot.Configuration;
using Bot.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Pushes;

/// <summary>
/// Polls the repositories that cannot send webhooks (a bare repository on the host, Gitea, GitLab): every <c>Poll</c>
/// it asks where each <c>AutoDeploy</c> branch points (<c>git ls-remote</c>, no fetch) and hands a move to
/// <see cref="IPushSink"/> like a push webhook. Only workers poll, and of several processes one polls each branch per
/// interval: its turn is a lease in the store that it renews, and another process takes over once the lease runs out.
/// Where each branch was last seen is kept in the store too, so a move made while the bot was down is found on start.
/// </summary>
public sealed class RepositoryPoller(
    IDeploymentStore store, AppCatalog apps, GitRepositories git, IPushSink sink, WorkerIdentity identity, TimeProvider time, ILogger<RepositoryPoller> logger)
    : BackgroundService
{
    private sealed record Polled(AppEnvConfig Env, string Branch, TimeSpan Every)
    {
        public string Key => $"{Env.Repository}#{Branch}";
        public DateTimeOffset Next { get; set; }
    }

    private readonly List<Polled> _polled = apps.All.SelectMany(a => a.ByEnv.Values)
        .Where(e => e.Push is { AutoDeploy: not null, Poll: not null } && e.Repository is not null)
        .GroupBy(e => (e.Repository, e.Push.AutoDeploy))
        .Select(g => new Polled(g.First(), g.Key.AutoDeploy!, g.Min(e => e.Push.Poll!.Value)))
        .ToList();

    private readonly HashSet<string> _failing = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_polled.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LookAsync(stoppingToken).ConfigureAwait(false);
                var wait = _polled.Min(p => p.Next) - time.GetUtcNow();
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        }
    }

    /// <summary>
    /// Polls each branch whose interval is up, where it is this process's turn; returns how many it looked at. A failure
    /// is logged once while it lasts, and once more when a whole look works again.
    /// </summary>
    public async Task<int> LookAsync(CancellationToken cancellationToken)
    {
        var looked = 0;
        foreach (var p in _polled.Where(p => p.Next <= time.GetUtcNow()))
        {
            p.Next = time.GetUtcNow() + p.Every;
            try
            {
                if (!await PollAsync(p, cancellationToken).ConfigureAwait(false)) continue;
                looked++;
                // Only a whole look counts: a repository that answers ls-remote may still fail to fetch.
                if (_failing.Remove(p.Key)) logger.LogInformation("Polling {Repository} ({Branch}) works again", p.Env.Repository, p.Branch);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                looked++;
                if (_failing.Add(p.Key)) logger.LogWarning("Polling {Repository} ({Branch}) failed: {Error}", p.Env.Repository, p.Branch, e.Message);
            }
        }
        return looked;
    }

    /// <summary>Polls one branch now if it is this process's turn; returns whether it looked.</summary>
    private async Task<bool> PollAsync(Polled p, CancellationToken cancellationToken)
    {
        if (await TakeTurnAsync(p, cancellationToken).ConfigureAwait(false) is not { } turn) return false;
        try
        {
            await LookAtAsync(p, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A look that failed here lets go of the turn: another process, whose git or store may work, takes it.
            await store.ClaimNoteAsync("poll-turn", p.Key, "", turn, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task LookAtAsync(Polled p, CancellationToken cancellationToken)
    {
        var head = await git.RemoteHeadOfAsync(p.Env, p.Branch, cancellationToken).ConfigureAwait(false);
        if (head is null) return;
        var seen = await store.GetNoteAsync("polled", p.Key, cancellationToken).ConfigureAwait(false);
        if (seen == head) return;
        if (seen is null && !await BehindAsync(p, head, cancellationToken).ConfigureAwait(false))
        {
            await store.SetNoteAsync("polled", p.Key, head, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Polling {Repository}: {Branch} is at {Sha}; a new commit there will deploy", p.Env.Repository, p.Branch, head[..7]);
            return;
        }
        var author = await git.AuthorOfAsync(p.Env, head, cancellationToken).ConfigureAwait(false) ?? "someone";
        var forced = seen is not null && !await git.ContainsAsync(p.Env, head, seen, cancellationToken).ConfigureAwait(false);
        var gitHub = p.Env.Push.GitHubRepository(p.Env.Repository);
        var compare = gitHub is not null && seen is not null ? $"https://github.com/{gitHub}/compare/{seen[..12]}...{head[..12]}" : null;
        // Noted only once handed over: a move whose hand-over failed (or whose process died) is seen again at the next
        // look; handing it over twice makes one deployment (each app, environment and commit is recorded once).
        await sink.PushedAsync(new Push(p.Env.Repository!, p.Branch, head, seen, forced, null, author, compare, [], "poll"), cancellationToken).ConfigureAwait(false);
        await store.SetNoteAsync("polled", p.Key, head, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first look: the branch deploys now only if an environment it feeds already serves another commit of it.</summary>
    private async Task<bool> BehindAsync(Polled p, string head, CancellationToken cancellationToken)
    {
        foreach (var env in apps.All.SelectMany(a => a.ByEnv.Values).Where(e => e.Repository == p.Env.Repository && e.Push.AutoDeploy == p.Branch))
            if ((await store.SucceededAsync(env.App, env.Env, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault() is { Sha: { } live } && live != head)
                return true;
        return false;
    }

    /// <summary>This process's turn to poll <paramref name="p"/>: a lease in the store, renewed by its holder at each poll; null when another holds it.</summary>
    private async Task<string?> TakeTurnAsync(Polled p, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await store.GetNoteAsync("poll-turn", p.Key, cancellationToken).ConfigureAwait(false);
        if (current?.Split(' ') is [var owner, var until] && owner != identity.Id
            && long.TryParse(until, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && DateTimeOffset.FromUnixTimeMilliseconds(ms) > now)
            return null;
        var mine = $"{identity.Id} {(now + p.Every * 1.5).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        return await store.ClaimNoteAsync("poll-turn", p.Key, mine, current, now, cancellationToken).ConfigureAwait(false) == mine ? mine : null;
    }
}
