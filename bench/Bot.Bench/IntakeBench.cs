using System.Diagnostics;
using Bot.Chat.Slack;
using Bot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Bench;

/// <summary>
/// Slack intake without HTTP: the same handler the endpoint calls, from many tasks at once, with
/// all-different trigger ids. Shows what the bot's own work costs per command.
/// </summary>
public static class IntakeBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var text = args.ElementAtOrDefault(0) ?? "status api";
        var seconds = double.Parse(args.ElementAtOrDefault(1) ?? "5", System.Globalization.CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args.ElementAtOrDefault(2) ?? "32");
        var repo = args.ElementAtOrDefault(3) ?? throw new ArgumentException("give a git repository path for the app");
        var dir = Directory.CreateTempSubdirectory("bench-intake").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATA_DIR"] = dir, ["SLACK_SIGNING_SECRET"] = "s",
            ["Apps:api:Target"] = "shell", ["Apps:api:Repository"] = repo, ["Apps:api:Shell:Deploy"] = "sleep 600",
            ["Apps:api:Environments:0"] = "production", ["Apps:api:Environments:1"] = "staging",
        }).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddBotCore(configuration).AddBotChat(configuration);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<BotStartup>().StartAsync(default);
        var inbound = provider.GetRequiredService<ISlackInbound>();
        var words = text.Split(' ', 2);
        var count = 0L;
        var latencies = new List<double>();
        var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var t0 = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = new List<double>();
            for (var i = 0; Stopwatch.GetTimestamp() < stop; i++)
            {
                var fields = new Dictionary<string, string>
                {
                    ["command"] = "/" + words[0], ["text"] = words.Length > 1 ? words[1] : "", ["user_id"] = "U1", ["user_name"] = "u",
                    ["channel_id"] = "C1", ["trigger_id"] = $"{w}.{i}", ["response_url"] = "https://example.invalid/r",
                };
                var s = Stopwatch.GetTimestamp();
                await inbound.SlashCommandAsync(fields, default);
                mine.Add(Stopwatch.GetElapsedTime(s).TotalMilliseconds);
                Interlocked.Increment(ref count);
            }
            lock (latencies) latencies.AddRange(mine);
        })));
        var elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine(Stats.Line("intake-" + words[0], latencies, ("ops_per_s", count / elapsed)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
        return 0;
    }
}
