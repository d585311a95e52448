using System.Collections.Concurrent;
using System.Threading.Channels;
using Bot.Configuration;
using Bot.Security;
using Bot.Sources.GitHub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Pushes;

/// <summary>
/// Records every deploy of an environment whose repository is on GitHub as a GitHub deployment of its commit, with a
/// status for each state it reaches (<see cref="GitHubStatus"/>), when <c>GITHUB_TOKEN</c> is set. It hears this
/// process's own news (<see cref="DeploymentFeed.Listen"/>), so each state is sent once, by the process that made it;
/// the GitHub deployment's id is a note in the store, which a status sent by another process finds.
/// </summary>
/// <remarks>
/// The listener only writes to a channel, so the publisher never waits on GitHub. Statuses go out in order per
/// deployment, each deployment on its own lane, so a slow GitHub call holds up no other deployment's. A failure to write
/// never touches the deploy: one warning per deployment, then the next status is tried as usual.
/// </remarks>
public sealed partial class GitHubDeployments(
    GitHubApi github, GitHubOptions options, AppCatalog apps, IDeploymentStore store, DeploymentFeed feed, WorkerIdentity identity,
    LogLinks links, TimeProvider time, ILogger<GitHubDeployments> logger) : BackgroundService
{
    /// <summary>What the statuses still on their way get once the host stops (a worker's interrupted deploys among them).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);

    private readonly Channel<FeedItem> _heard = Channel.CreateUnbounded<FeedItem>();
    private readonly ConcurrentDictionary<long, Lane> _lanes = new();
    private readonly CancellationTokenSource _sending = new();
    private int _listening, _pending;
    private volatile bool _busy;

    /// <summary>One deployment's statuses, sent one after another; what this process knows of it on GitHub.</summary>
    private sealed class Lane(string repository)
    {
        public string Repository { get; } = repository;
        public Task Tail { get; set; } = Task.CompletedTask;
        public long? GitHubId { get; set; }
        public string? Sent { get; set; }
        public bool Warned { get; set; }
        public bool GaveUp { get; set; }
    }

    /// <summary>Without a token nothing is recorded: no listener, no calls, no log lines.</summary>
    public bool Enabled => options.Token is not null;

    /// <summary>Listens at once, so states published before the host starts the loop are not missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled && Interlocked.Exchange(ref _listening, 1) == 0)
            feed.Listen(item =>
            {
                if (item.Line.State is not null) _heard.Writer.TryWrite(item);
            });
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        using var grace = stoppingToken.Register(() => _sending.CancelAfter(ShutdownGrace));
        try
        {
            while (await _heard.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                Drain();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What this process ended as it stopped (interrupted jobs) still goes out, within the grace.
            Drain();
            try { await Task.WhenAll(_lanes.Values.Select(l => l.Tail)).WaitAsync(_sending.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { logger.LogWarning("Stopping: some GitHub deployment statuses were not sent"); }
        }
    }

    private void Drain()
    {
        _busy = true;
        while (_heard.Reader.TryRead(out var item)) Queue(item);
        _busy = false;
    }

    /// <summary>Puts a state on its deployment's lane: a deployment without a commit, or not on GitHub, has none.</summary>
    private void Queue(FeedItem item)
    {
        var d = item.Deployment;
        // A config change or a one-off task ships no code: GitHub hears only of deploys, rollbacks and promotions.
        if (d.Sha is null || d.Kind is DeploymentKind.Config or DeploymentKind.Task) return;
        if (!_lanes.TryGetValue(d.Id, out var lane))
        {
            if (RepositoryOf(d) is not { } repository) return;
            lane = _lanes.GetOrAdd(d.Id, _ => new Lane(repository));
        }
        Interlocked.Increment(ref _pending);
        lane.Tail = lane.Tail.ContinueWith(async _ =>
        {
            try { await SendAsync(lane, d, _sending.Token).ConfigureAwait(false); }
            finally
            {
                if (d.IsFinished) _lanes.TryRemove(new KeyValuePair<long, Lane>(d.Id, lane));
                Interlocked.Decrement(ref _pending);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }

    private string? RepositoryOf(Deployment d) =>
        apps.Find(d.App)?.ByEnv.GetValueOrDefault(d.Env) is { } env ? env.Push.GitHubRepository(env.Repository) : null;

    private async Task SendAsync(Lane lane, Deployment d, CancellationToken cancellationToken)
    {
        var state = GitHubStatus.Of(d.State);
        if (lane.GaveUp || state == lane.Sent) return;
        try
        {
            lane.GitHubId ??= await GitHubIdAsync(lane, d, cancellationToken).ConfigureAwait(false);
            if (lane.GitHubId is not { } id) return;
            await github.CreateDeploymentStatusAsync(lane.Repository, id, state, links.Deployment(d.App, d.Number),
                d.State == DeploymentState.Succeeded ? d.Url : null, GitHubStatus.Says(d), cancellationToken).ConfigureAwait(false);
            lane.Sent = state;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (lane.Warned) return;
            lane.Warned = true;
            logger.LogWarning("Could not record {App} #{Number} as a GitHub deployment in {Repository} ({Error}); the deploy goes on without it",
                d.App, d.Number, lane.Repository, e.Message);
        }
    }

    /// <summary>
    /// Completes once every state heard so far has been sent to GitHub, or has failed to be (<c>worker --drain</c> and
    /// <c>send</c> wait for this before they exit; tests wait for it instead of sleeping).
    /// </summary>
    public async Task IdleAsync()
    {
        while (_busy || _heard.Reader.Count > 0 || Volatile.Read(ref _pending) > 0)
            await Task.Delay(20).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _sending.Dispose();
        base.Dispose();
    }
}
