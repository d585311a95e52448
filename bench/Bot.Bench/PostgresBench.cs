using System.Collections.Concurrent;
using System.Diagnostics;
using Bot.Deployments;
using Bot.Deployments.Postgres;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Bench;

/// <summary>
/// The job queue on PostgreSQL, as several processes would use it: a throwaway server (durable settings: fsync and
/// synchronous commit on), one producer and four workers, each with a store (connection pool) of its own.
/// Measures how fast four workers drain a burst of queued jobs (claims/s, and claim+finish cycles/s), and how long
/// a single job waits from the enqueue call until a worker has claimed it, with the workers woken by LISTEN/NOTIFY.
/// </summary>
public static class PostgresBench
{
    private const int Workers = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var burst = int.Parse(args.ElementAtOrDefault(0) ?? "2000");
        var single = int.Parse(args.ElementAtOrDefault(1) ?? "300");
        using var server = TempPostgres.Start(durable: true);
        Console.WriteLine($"# PostgreSQL {server.Port} in {server.Dir} (fsync on, synchronous_commit on)");
        await DrainAsync(await server.CreateDatabaseAsync("claims"), burst, finish: false);
        await DrainAsync(await server.CreateDatabaseAsync("cycles"), burst, finish: true);
        await LatencyAsync(await server.CreateDatabaseAsync("latency"), single);
        return 0;
    }

    /// <summary>Queues <paramref name="jobs"/> jobs, then lets four workers take them all at once.</summary>
    private static async Task DrainAsync(string url, int jobs, bool finish)
    {
        await using var producer = PostgresDeploymentStore.FromUrl(url);
        await producer.MigrateAsync(default);
        var e0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < jobs; i++) await producer.EnqueueAsync(Request($"a{i}"), default);
        var enqueueSeconds = Stopwatch.GetElapsedTime(e0).TotalSeconds;

        var workers = Enumerable.Range(0, Workers).Select(_ => PostgresDeploymentStore.FromUrl(url)).ToList();
        foreach (var w in workers) await w.PingAsync(default); // open a connection each, outside the timed part
        var c0 = Stopwatch.GetTimestamp();
        var counts = await Task.WhenAll(workers.Select((store, n) => Task.Run(async () =>
        {
            var taken = 0;
            while (await store.ClaimAsync($"bench-{n}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), null, default) is { } job)
            {
                taken++;
                if (finish) await store.FinishAsync(job.DeploymentId!.Value, DeploymentState.Succeeded, null, "r", null, DateTimeOffset.UtcNow, default);
            }
            return taken;
        })));
        var seconds = Stopwatch.GetElapsedTime(c0).TotalSeconds;
        foreach (var w in workers) await w.DisposeAsync();
        if (counts.Sum() != jobs) throw new InvalidOperationException($"claimed {counts.Sum()} of {jobs}");
        Console.WriteLine(finish
            ? $"RESULT name=pg-claim-finish workers={Workers} jobs={jobs} cycles_per_s={jobs / seconds:0} seconds={seconds:0.00} per_worker={string.Join('/', counts)}"
            : $"RESULT name=pg-claims workers={Workers} jobs={jobs} claims_per_s={jobs / seconds:0} seconds={seconds:0.00} per_worker={string.Join('/', counts)} enqueued_per_s={jobs / enqueueSeconds:0}");
    }

    /// <summary>One job at a time: from the enqueue call to a worker holding it (workers idle on LISTEN, not polling).</summary>
    private static async Task LatencyAsync(string url, int jobs)
    {
        await using var producer = PostgresDeploymentStore.FromUrl(url);
        await producer.MigrateAsync(default);
        var claimedAt = new ConcurrentDictionary<long, TaskCompletionSource<long>>();
        TaskCompletionSource<long> Slot(long id) => claimedAt.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        using var stop = new CancellationTokenSource();
        var workers = new List<(PostgresDeploymentStore Store, PostgresJobListener Listener, Task Loop)>();
        for (var n = 0; n < Workers; n++)
        {
            var store = PostgresDeploymentStore.FromUrl(url);
            var signal = new JobSignal();
            var listener = new PostgresJobListener(store, signal, new Bot.Deployments.Pushes.GateSignal(), new DeploymentFeed(store, FeedOptions.Postgres, TimeProvider.System), new RunningJobs(), Redactor.Default, TimeProvider.System, NullLogger<PostgresJobListener>.Instance);
            await listener.StartAsync(default);
            if (!await signal.WaitAsync(TimeSpan.FromSeconds(30), default)) throw new InvalidOperationException("a listener never connected");
            var owner = $"bench-{n}";
            workers.Add((store, listener, Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    while (await store.ClaimAsync(owner, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), null, default) is { } job)
                        Slot(job.DeploymentId!.Value).TrySetResult(Stopwatch.GetTimestamp());
                    // A long fallback: pick-up should come from NOTIFY, not from this timeout.
                    await signal.WaitAsync(TimeSpan.FromSeconds(5), stop.Token);
                }
            })));
        }

        var latencies = new List<double>();
        for (var i = 0; i < jobs; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var queued = (Enqueued)await producer.EnqueueAsync(Request($"s{i}"), default);
            var claimed = await Slot(queued.Deployment.Id).Task.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(Stopwatch.GetElapsedTime(t0, claimed).TotalMilliseconds);
        }
        Console.WriteLine(Stats.Line("pg-enqueue-to-claim", latencies, ("workers", Workers)));

        await stop.CancelAsync();
        foreach (var (store, listener, loop) in workers)
        {
            await loop;
            await listener.StopAsync(default);
            listener.Dispose();
            await store.DisposeAsync();
        }
    }

    private static NewDeployment Request(string app) =>
        new(app, "production", DeploymentKind.Deploy, null, null, null, new Origin("bench", "C", null, "U", "bench"), null, false, DateTimeOffset.UtcNow);
}
