using System.Diagnostics;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// The log page, served by the bot's own web app on loopback (SQLite store): the first byte and the whole page of a
/// deployment with a long log, and how long a line recorded by the runner (store append, then the feed's publish, as
/// the runner does for each line a target yields) takes to reach a client of the page's live stream.
/// </summary>
public static class LogPageBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var lines = int.Parse(args.ElementAtOrDefault(0) ?? "10000");
        var runs = int.Parse(args.ElementAtOrDefault(1) ?? "30");
        var samples = int.Parse(args.ElementAtOrDefault(2) ?? "300");
        var dir = Directory.CreateTempSubdirectory("bench-logpage").FullName;
        var app = ServeCommand.Build(new BotCli("serve", null, null, null, null, []) { NoWorker = true }, b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATA_DIR"] = dir, ["LOG_LINK_SECRET"] = "bench-log-link-secret-0123456789", ["urls"] = "http://127.0.0.1:0",
            });
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            var store = app.Services.GetRequiredService<IDeploymentStore>();
            var links = app.Services.GetRequiredService<LogLinks>();
            var feed = app.Services.GetRequiredService<DeploymentFeed>();

            var big = await RunningAsync(store, "big");
            var steps = new[] { "build", "deploy", "health" };
            for (var i = 0; i < lines; i++)
            {
                if (i % (lines / steps.Length + 1) == 0) await store.AppendEventAsync(big.Id, LineKind.Step, steps[i / (lines / steps.Length + 1)], DateTimeOffset.UtcNow, default);
                await store.AppendEventAsync(big.Id, i % 97 == 0 ? LineKind.ErrorOutput : LineKind.Output,
                    $"\u001b[32m#{i}\u001b[0m Step {i}/{lines} : RUN npm ci --no-audit --prefer-offline && node build.js --target=production <ok>", DateTimeOffset.UtcNow, default);
            }
            await store.FinishAsync(big.Id, DeploymentState.Failed, "The health step failed.", null, null, DateTimeOffset.UtcNow, default);
            var path = $"/d/big/{big.Number}?t={Uri.EscapeDataString(links.DeploymentToken("big", big.Number))}";
            var first = new List<double>();
            var whole = new List<double>();
            long bytes = 0;
            // What serving the page costs in memory: bytes allocated per page, the most the GC heap held while pages were
            // served (sampled), and the process's peak working set (which includes the seeding before).
            GC.Collect();
            var heapBefore = GC.GetTotalMemory(true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var heapPeak = heapBefore;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                    try { await Task.Delay(2, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            for (var r = 0; r < runs + 3; r++)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[64 * 1024];
                var n = await body.ReadAsync(buffer);
                var firstMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                long total = n;
                while ((n = await body.ReadAsync(buffer)) > 0) total += n;
                if (r < 3) continue; // warm-up
                first.Add(firstMs);
                whole.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                bytes = total;
            }
            await sampling.CancelAsync();
            await sampler;
            var allocatedPerPage = (GC.GetTotalAllocatedBytes(true) - allocatedBefore) / (double)(runs + 3) / (1024 * 1024);
            using var self = Process.GetCurrentProcess();
            Console.WriteLine(Stats.Line("logpage-first-byte", first, ("lines", lines)));
            Console.WriteLine(Stats.Line("logpage-whole", whole, ("lines", lines), ("kb", bytes / 1024),
                ("alloc_mb_per_page", allocatedPerPage), ("heap_before_mb", heapBefore / (1024.0 * 1024)), ("heap_peak_mb", heapPeak / (1024.0 * 1024)),
                ("peak_ws_mb", self.PeakWorkingSet64 / (1024.0 * 1024))));

            var live = await RunningAsync(store, "live");
            var token = Uri.EscapeDataString(links.DeploymentToken("live", live.Number));
            using var response2 = await http.GetAsync($"/d/live/{live.Number}/events?t={token}", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response2.Content.ReadAsStreamAsync());
            var delays = new List<double>();
            for (var i = 0; i < samples + 10; i++)
            {
                var marker = $"line-{i}-of-the-bench";
                var t0 = Stopwatch.GetTimestamp();
                var e = await store.AppendEventAsync(live.Id, LineKind.Output, marker, DateTimeOffset.UtcNow, default);
                feed.Publish(new FeedItem(live, e));
                while (await reader.ReadLineAsync() is { } line && !line.Contains(marker)) { }
                if (i >= 10) delays.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            Console.WriteLine(Stats.Line("logpage-line-to-sse", delays));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Deployment> RunningAsync(IDeploymentStore store, string app)
    {
        var origin = new Origin("bench", "C", null, "U", "bench");
        var d = ((Enqueued)await store.EnqueueAsync(new NewDeployment(app, "production", DeploymentKind.Deploy, "main", new string('a', 40), "Bench", origin, null, false, DateTimeOffset.UtcNow), default)).Deployment;
        await store.ClaimAsync("bench:1:1", DateTimeOffset.UtcNow, TimeSpan.FromHours(1), d.Id, default);
        return (await store.GetAsync(d.Id, default))!;
    }
}
