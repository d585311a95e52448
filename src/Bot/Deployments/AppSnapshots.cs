using System.Collections.Concurrent;

namespace Bot.Deployments;

/// <summary>
/// Per-app snapshots for the read-only paths that run most (status, and the busy check before a deploy).
/// Every change this process makes or hears of (the deployment feed, lock commands) drops the app's
/// snapshot at once; changes made by another process (a separate worker, another replica) are seen
/// within <see cref="MaxAge"/>. The store stays the authority: enqueueing checks again in its transaction.
/// </summary>
public sealed class AppSnapshots
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly IDeploymentStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (AppSnapshot Snapshot, long At, long Version)> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (Task<AppSnapshot> Task, long Version)> _loading = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.OrdinalIgnoreCase);
    private long _freezeVersion;

    public AppSnapshots(IDeploymentStore store, DeploymentFeed feed, TimeProvider time)
    {
        (_store, _time) = (store, time);
        feed.Listen(update => Invalidate(update.Deployment.App));
    }

    public void Invalidate(string app)
    {
        _versions.AddOrUpdate(app, 1, (_, v) => v + 1);
        if (app == LockInfo.All) Interlocked.Increment(ref _freezeVersion);
    }

    public async Task<AppSnapshot> GetAsync(string app, IEnumerable<string> envs, CancellationToken cancellationToken)
    {
        var version = _versions.GetValueOrDefault(app) + Volatile.Read(ref _freezeVersion);
        var wanted = envs.ToList();
        if (_cache.TryGetValue(app, out var cached) && cached.Version == version && _time.GetElapsedTime(cached.At) < MaxAge
            && wanted.All(cached.Snapshot.Live.ContainsKey))
            return cached.Snapshot;
        // One load at a time per app: callers that arrive while it runs wait for the same answer.
        var loading = _loading.AddOrUpdate(app,
            _ => (LoadAsync(app, wanted, version), version),
            (_, current) => current.Version == version && !current.Task.IsCompleted ? current : (LoadAsync(app, wanted, version), version));
        var snapshot = await loading.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return wanted.All(snapshot.Live.ContainsKey) ? snapshot : await LoadAsync(app, wanted, version).ConfigureAwait(false);
    }

    private async Task<AppSnapshot> LoadAsync(string app, List<string> envs, long version)
    {
        var locks = await _store.LocksAsync(app, CancellationToken.None).ConfigureAwait(false);
        var active = await _store.ListAsync(app, null, 20, activeOnly: true, CancellationToken.None).ConfigureAwait(false);
        var live = new Dictionary<string, Deployment?>(StringComparer.OrdinalIgnoreCase);
        var doubts = new Dictionary<string, ServingDoubt>(StringComparer.OrdinalIgnoreCase);
        foreach (var env in envs)
        {
            live[env] = (await _store.SucceededAsync(app, env, 1, CancellationToken.None).ConfigureAwait(false)).FirstOrDefault();
            if (await DoubtAsync(app, env, locks).ConfigureAwait(false) is { } doubt) doubts[env] = doubt;
        }
        var snapshot = new AppSnapshot(locks, active, live, doubts);
        _cache[app] = (snapshot, _time.GetTimestamp(), version);
        return snapshot;
    }

    /// <summary>A deployment that ended while going live, with nothing known to have been put back since.</summary>
    private async Task<ServingDoubt?> DoubtAsync(string app, string env, IReadOnlyList<LockInfo> locks)
    {
        var note = ServingNote.Parse(await _store.GetNoteAsync(ServingNote.Scope, ServingNote.Key(app, env), CancellationToken.None).ConfigureAwait(false));
        if (note is null || await _store.GetAsync(note.DeploymentId, CancellationToken.None).ConfigureAwait(false) is not { IsFinished: true } stopped)
            return null;
        var puttingBack = locks.Any(l => l.Kind == LockKind.Deploy && l.Env == env && l.DeploymentId == stopped.Id);
        return new ServingDoubt(stopped, note, puttingBack);
    }
}
