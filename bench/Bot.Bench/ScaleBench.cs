using System.Diagnostics;
using Bot.Deployments;
using Bot.Hosting;
using Bot.Security;
using Bot.Targets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// The measures of <c>bench/scale.sh</c> that wrk cannot take, on a seeded store.
/// <c>scale page URL APP NUMBER [runs]</c>: the log page's first byte from a running bot, through a link signed with the
/// bot's own key (<c>LOG_LINK_SECRET</c>, as the bot is started with it).
/// <c>scale queue [single] [claims]</c>: in this process, on the store the bot uses (<c>DATA_DIR</c> or <c>DATABASE_URL</c>),
/// enqueue → job start one at a time through the worker (a target that does nothing), then a worker's claim on its own:
/// jobs queued with no worker, each <see cref="IDeploymentStore.ClaimAsync"/> timed.
/// </summary>
public static class ScaleBench
{
    public static Task<int> RunAsync(string[] args) => args[0] switch
    {
        "page" => PageAsync(args[1], args[2], int.Parse(args[3]), int.Parse(args.ElementAtOrDefault(4) ?? "50")),
        "queue" => QueueAsync(int.Parse(args.ElementAtOrDefault(1) ?? "100"), int.Parse(args.ElementAtOrDefault(2) ?? "200")),
        _ => throw new ArgumentException($"scale page|queue, not {args[0]}"),
    };

    private static async Task<int> PageAsync(string url, string app, int number, int runs)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var links = new LogLinks(LogLinkOptions.From(configuration, Path.GetTempPath()), TimeProvider.System);
        var path = $"{LogLinks.DeploymentPath(app, number)}?t={Uri.EscapeDataString(links.DeploymentToken(app, number))}";
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
        var first = new List<double>();
        long bytes = 0;
        var buffer = new byte[64 * 1024];
        for (var r = 0; r < runs + 3; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
            await using var body = await response.Content.ReadAsStreamAsync();
            var n = await body.ReadAsync(buffer);
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            long total = n;
            while ((n = await body.ReadAsync(buffer)) > 0) total += n;
            if (r < 3) continue; // warm-up
            first.Add(ms);
            bytes = total;
        }
        Console.WriteLine(Stats.Line("logpage", first, ("kb", bytes / 1024)));
        return 0;
    }

    private static async Task<int> QueueAsync(int single, int claims)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < single; i++) settings[$"Apps:q{i}:Target"] = "noop";
        await using var rig = await QueueBench.Rig.StartAsync(new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(settings).Build());
        var (provider, worker, deployments, target, origin) = (rig.Provider, rig.Worker, rig.Deployments, rig.Target, rig.Origin);
        Console.WriteLine(Stats.Line("enqueue-to-start", await QueueBench.TimeStartsAsync(deployments, target, "q", single, origin)));
        await worker.StopAsync(default);

        // No worker now: the jobs wait, and each claim is the query a worker runs when woken.
        var store = provider.GetRequiredService<IDeploymentStore>();
        for (var i = 0; i < claims; i++)
            await store.EnqueueAsync(new NewDeployment($"c{i}", "production", DeploymentKind.Deploy, null, null, null, origin, null, false, DateTimeOffset.UtcNow), default);
        var claimed = new List<double>();
        for (var i = 0; i < claims; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (await store.ClaimAsync("scale", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), null, default) is null)
                throw new InvalidOperationException($"claim {i} found no job");
            claimed.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine(Stats.Line("claim", claimed));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return 0;
    }
}
