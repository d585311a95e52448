using System.Diagnostics;
using Bot.Configuration;
using Bot.Targets;
using Bot.Targets.Shell;
using Microsoft.Extensions.Configuration;

namespace Bot.Bench;

/// <summary><c>logs app 200</c> (and with <c>grep</c>) through the shell target's log-file reader, on a big file.</summary>
public static class LogsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = Path.GetFullPath(args[0]);
        var runs = int.Parse(args.ElementAtOrDefault(1) ?? "30");
        var dir = Directory.CreateTempSubdirectory("bench-logs").FullName;
        try
        {
            var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Shell:Deploy"] = "true", ["Shell:LogFile"] = file,
            }).Build();
            var app = new AppEnvConfig("big", "production", "shell", "/dev/null", null, [], [], [], [], null, section, "Apps:big");
            var target = new ShellTarget(new BotOptions(dir, new Dictionary<string, IReadOnlyList<string>>(), []), TimeProvider.System);
            var size = new FileInfo(file).Length;
            foreach (var (name, grep) in new[] { ("logs-200", (string?)null), ("logs-200-grep", "ERROR") })
            {
                var samples = new List<double>();
                var lines = 0;
                for (var i = 0; i < runs + 3; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var result = await target.ReadLogsAsync(app, new LogRequest(200, null, grep, new Dictionary<string, string>()), default);
                    if (i >= 3) samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    lines = result.Lines.Count;
                }
                Console.WriteLine(Stats.Line(name, samples, ("file_mb", size / 1048576.0), ("lines", lines)));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
