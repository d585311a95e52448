using Bot.Deployments;
using Bot.Deployments.Sqlite;
using Bot.Tests.Support;

namespace Bot.Tests.Deployments;

/// <summary>
/// <see cref="DeploymentFeed.FollowAsync"/> reads the deployment, then its events. Whatever the store records between
/// those two reads, each update pairs an event with the deployment as it stood then: a "running" event is never shown
/// under a card that still says queued (LINE starts its loading animation on exactly that update).
/// </summary>
public sealed class DeploymentFeedTests : IDisposable
{
    private readonly TempDir _dir = new("feed");

    private static NewDeployment New() =>
        new("web", "production", DeploymentKind.Deploy, "main", null, null, new Origin("test", "C1", null, "alice", "alice"), null, false, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_worker_starting_between_the_two_reads_is_shown_running()
    {
        var store = new SqliteDeploymentStore(_dir["race.db"]);
        await store.MigrateAsync(default);
        var d = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default)).Deployment;
        var queued = (await store.EventsAsync(d.Id, 0, 10, default)).Last().Seq;
        // The worker claims the job just after the follower has read the deployment (still queued).
        var racing = BetweenReads(store, () => store.ClaimAsync("worker", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), d.Id, default));
        var feed = new DeploymentFeed(racing, FeedOptions.Sqlite, TimeProvider.System);

        await using var follow = feed.FollowAsync(d.Id, queued, default, shown: DeploymentState.Queued).GetAsyncEnumerator();
        Assert.True(await follow.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal((LineKind.State, "running"), (follow.Current.Line.Kind, follow.Current.Line.Text));
        Assert.Equal(DeploymentState.Running, follow.Current.Deployment.State);
    }

    [Fact]
    public async Task A_deployment_ending_between_the_two_reads_is_shown_running_then_ended()
    {
        var store = new SqliteDeploymentStore(_dir["end.db"]);
        await store.MigrateAsync(default);
        var d = Assert.IsType<Enqueued>(await store.EnqueueAsync(New(), default)).Deployment;
        var queued = (await store.EventsAsync(d.Id, 0, 10, default)).Last().Seq;
        var racing = BetweenReads(store, async () =>
        {
            await store.ClaimAsync("worker", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), d.Id, default);
            await store.AppendEventAsync(d.Id, LineKind.Output, "built", DateTimeOffset.UtcNow, default);
            await store.FinishAsync(d.Id, DeploymentState.Succeeded, null, "r1", null, DateTimeOffset.UtcNow, default);
        });
        var feed = new DeploymentFeed(racing, FeedOptions.Sqlite, TimeProvider.System);

        var seen = new List<(string, DeploymentState)>();
        await foreach (var update in feed.FollowAsync(d.Id, queued, default, shown: DeploymentState.Queued))
            seen.Add((update.Line.Text, update.Deployment.State));

        Assert.Equal([("running", DeploymentState.Running), ("built", DeploymentState.Running), ("succeeded", DeploymentState.Succeeded)], seen);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>The store, running <paramref name="meanwhile"/> once just before the follower's first read of events.</summary>
    private static IDeploymentStore BetweenReads(IDeploymentStore store, Func<Task> meanwhile)
    {
        Func<Task>? once = meanwhile;
        return InterceptedStore.Wrap(store, (method, _) =>
            method == nameof(IDeploymentStore.EventsAsync) && Interlocked.Exchange(ref once, null) is { } run ? run() : Task.CompletedTask);
    }
}
