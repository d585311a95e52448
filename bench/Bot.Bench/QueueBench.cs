using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Targets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// The job queue on its own, in this process, on a real SQLite file: how long from enqueue to the job
/// starting (one at a time, so nothing queues behind anything), and how many jobs start per second
/// when a burst is queued at once. The target does nothing, so only the bot's queue is measured.
/// </summary>
public static class QueueBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var single = int.Parse(args.ElementAtOrDefault(0) ?? "300");
        var burst = int.Parse(args.ElementAtOrDefault(1) ?? "3000");
        var dir = Directory.CreateTempSubdirectory("bench-queue").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["DATA_DIR"] = dir };
            for (var i = 0; i < single + burst; i++) settings[$"Apps:a{i}:Target"] = "noop";
            await using var rig = await Rig.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            var (worker, deployments, target, origin) = (rig.Worker, rig.Deployments, rig.Target, rig.Origin);

            Console.WriteLine(Stats.Line("queue-enqueue-to-start", await TimeStartsAsync(deployments, target, "a", single, origin)));

            var all = Enumerable.Range(single, burst).Select(i => target.Expect($"a{i}")).ToList();
            var b0 = Stopwatch.GetTimestamp();
            foreach (var i in Enumerable.Range(single, burst))
                await deployments.RequestAsync(new NewDeployment($"a{i}", "production", DeploymentKind.Deploy, null, null, null, origin, null, false, DateTimeOffset.UtcNow), default);
            var enqueued = Stopwatch.GetElapsedTime(b0).TotalSeconds;
            var starts = await Task.WhenAll(all);
            var seconds = Stopwatch.GetElapsedTime(b0, starts.Max()).TotalSeconds;
            Console.WriteLine($"RESULT name=queue-burst jobs={burst} enqueued_per_s={burst / enqueued:0} started_per_s={burst / seconds:0} seconds={seconds:0.00}");
            await worker.StopAsync(default);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The bot's core on <paramref name="configuration"/> with a do-nothing target, started, its job worker running.</summary>
    internal sealed class Rig : IAsyncDisposable
    {
        private Rig(ServiceProvider provider, NoopTarget target)
        {
            Provider = provider;
            Target = target;
            Worker = provider.GetRequiredService<JobWorker>();
            Deployments = provider.GetRequiredService<DeploymentService>();
        }

        public ServiceProvider Provider { get; }
        public NoopTarget Target { get; }
        public JobWorker Worker { get; }
        public DeploymentService Deployments { get; }
        public Origin Origin { get; } = new("bench", "C", null, "U", "bench");

        public static async Task<Rig> StartAsync(IConfiguration configuration)
        {
            var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            var target = new NoopTarget();
            services.AddSingleton<IDeployTarget>(target);
            services.AddBotCore(configuration);
            var rig = new Rig(services.BuildServiceProvider(), target);
            await rig.Provider.GetRequiredService<BotStartup>().StartAsync(default);
            await rig.Worker.StartAsync(default);
            return rig;
        }

        public ValueTask DisposeAsync() => Provider.DisposeAsync();
    }

    /// <summary>Deploys apps <paramref name="prefix"/>0… one at a time: each one's time from the request to its job's start, in ms.</summary>
    internal static async Task<List<double>> TimeStartsAsync(DeploymentService deployments, NoopTarget target, string prefix, int count, Origin origin)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var started = target.Expect($"{prefix}{i}");
            var t0 = Stopwatch.GetTimestamp();
            await deployments.RequestAsync(new NewDeployment($"{prefix}{i}", "production", DeploymentKind.Deploy, null, null, null, origin, null, false, DateTimeOffset.UtcNow), default);
            latencies.Add(Stopwatch.GetElapsedTime(t0, await started).TotalMilliseconds);
        }
        return latencies;
    }

    /// <summary>A target that starts and ends at once, telling when each app's deploy began.</summary>
    internal sealed class NoopTarget : IDeployTarget
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiting = new();

        public string Kind => "noop";

        public Task<long> Expect(string app) => _waiting.GetOrAdd(app, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Validate(AppEnvConfig app) { }

        public async IAsyncEnumerable<DeployEvent> DeployAsync(DeployRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            _waiting.GetOrAdd(request.App.App, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(Stopwatch.GetTimestamp());
            await Task.CompletedTask;
            yield return new Released("r", null);
        }

        public IAsyncEnumerable<DeployEvent> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken) => DeployAsync(
            new DeployRequest(request.App, request.Number, null, null, null), cancellationToken);

        public Task<LogResult> ReadLogsAsync(AppEnvConfig app, LogRequest request, CancellationToken cancellationToken) => Task.FromResult(new LogResult([]));
    }
}
