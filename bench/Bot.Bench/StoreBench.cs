using System.Diagnostics;
using Bot.Deployments;
using Bot.Deployments.Sqlite;

namespace Bot.Bench;

/// <summary>What single store calls cost, one at a time and from many tasks at once (µs per call).</summary>
public static class StoreBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var n = int.Parse(args.ElementAtOrDefault(0) ?? "20000");
        var dir = Directory.CreateTempSubdirectory("bench-store").FullName;
        var store = new SqliteDeploymentStore(Path.Combine(dir, "bot.db"));
        await store.MigrateAsync(default);
        var origin = new Origin("bench", "C", null, "U", "u");
        await store.EnqueueAsync(new NewDeployment("api", "production", DeploymentKind.Deploy, "main", null, null, origin, null, false, DateTimeOffset.UtcNow), default);
        var calls = new (string Name, Func<int, Task> Call)[]
        {
            ("delivery-insert", i => store.TryRecordDeliveryAsync("bench", $"d{i}", DateTimeOffset.UtcNow, default)),
            ("audit-insert", i => store.AuditAsync(new AuditEntry(DateTimeOffset.UtcNow, "bench", "C", "U", "u", "status api", "api", "ok"), default)),
            ("enqueue-busy", i => store.EnqueueAsync(new NewDeployment("api", "production", DeploymentKind.Deploy, "main", null, null, origin, null, false, DateTimeOffset.UtcNow), default)),
            ("read-succeeded", i => store.SucceededAsync("api", "production", 1, default)),
            ("read-locks", i => store.LocksAsync("api", default)),
            ("read-active", i => store.ListAsync("api", null, 20, true, default)),
        };
        foreach (var (name, call) in calls)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++) await call(i);
            var serial = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / n;
            var t1 = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () => { for (var i = 0; i < n / 32; i++) await call(n + w * n + i); })));
            var parallel = Stopwatch.GetElapsedTime(t1).TotalMicroseconds / (n / 32 * 32);
            Console.WriteLine($"RESULT name=store-{name} serial_us={serial:0.0} parallel32_us={parallel:0.0}");
        }
        store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
        return 0;
    }
}
