using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bot.Chat.Slack;
using Microsoft.Data.Sqlite;

namespace Bot.Bench;

/// <summary>
/// The AOT bot as a user meets it: a signed <c>/deploy</c> to a running <c>bot serve</c> that talks to a fake
/// Slack on loopback. Times the HTTP acknowledgement, the first card in the channel, and the card turning
/// "live"; then reads the bot's store for how long each deploy of a do-nothing shell app took end to end.
/// </summary>
public static class FeedbackBench
{
    private const string Secret = "bench-slack-signing-secret";

    public static async Task<int> RunAsync(string[] args)
    {
        var bot = Path.GetFullPath(args[0]);
        var runs = int.Parse(args.ElementAtOrDefault(1) ?? "20");
        var dir = Directory.CreateTempSubdirectory("bench-feedback").FullName;
        await using var slack = await FakeSlackServer.StartAsync();
        var repo = MakeRepository(Path.Combine(dir, "repo"));
        var apps = string.Join(",\n", Enumerable.Range(0, runs).Select(i =>
            $"\"noop{i}\": {{\"Target\":\"shell\",\"Repository\":\"{repo}\",\"Shell\":{{\"Build\":\"true\",\"Deploy\":\"true\",\"Health\":\"true\"}}}}"));
        File.WriteAllText(Path.Combine(dir, "bot.json"), $"{{\"Apps\":{{{apps}}}}}");
        var port = FreePort();
        using var process = Process.Start(new ProcessStartInfo(bot, ["serve", "--config", Path.Combine(dir, "bot.json"), "--urls", $"http://127.0.0.1:{port}"])
        {
            Environment =
            {
                ["SLACK_SIGNING_SECRET"] = Secret, ["SLACK_BOT_TOKEN"] = "xoxb-bench-token", ["SLACK_API_URL"] = slack.ApiBase.ToString(),
                ["DATA_DIR"] = Path.Combine(dir, "data"),
            },
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await WaitUpAsync(http);
            var acks = new List<double>();
            var firsts = new List<double>();
            var lives = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var channel = $"C{i:D4}";
                var t0 = Stopwatch.GetTimestamp();
                await PostDeployAsync(http, $"noop{i}", channel, i);
                acks.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                firsts.Add(Stopwatch.GetElapsedTime(t0, await ArrivalAsync(slack, channel, _ => true)).TotalMilliseconds);
                lives.Add(Stopwatch.GetElapsedTime(t0, await ArrivalAsync(slack, channel, text => text.Contains(": live", StringComparison.Ordinal))).TotalMilliseconds);
            }
            Console.WriteLine(Stats.Line("slack-ack", acks));
            Console.WriteLine(Stats.Line("slack-first-feedback", firsts));
            Console.WriteLine(Stats.Line("slack-card-live", lives));
            Console.WriteLine(Stats.Line("deploy-noop-end-to-end", StoreDurations(Path.Combine(dir, "data", "bot.db"))));
            return 0;
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task PostDeployAsync(HttpClient http, string app, string channel, int i)
    {
        var body = $"team_id=T1&channel_id={channel}&user_id=U1&user_name=steve&command=%2Fdeploy&text={app}+main" +
                   $"&response_url=https%3A%2F%2Fhooks.slack.invalid%2F1&trigger_id=fb.{i}.{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"/deploy {app}: {response.StatusCode}");
    }

    /// <summary>Waits for a message to the channel that matches; returns when it arrived (the fake's clock).</summary>
    private static async Task<long> ArrivalAsync(FakeSlackServer slack, string channel, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var hit = slack.Messages.FirstOrDefault(m => m.Channel == channel && match(m.Text));
            if (hit.At != 0) return hit.At;
            await Task.Delay(1, timeout.Token);
        }
    }

    private static List<double> StoreDurations(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT finished_at - created_at FROM deployments WHERE state = 'succeeded'";
        using var reader = command.ExecuteReader();
        var durations = new List<double>();
        while (reader.Read()) durations.Add(reader.GetInt64(0));
        return durations;
    }

    private static string MakeRepository(string path)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "README"), "A do-nothing app for the benchmark.\n");
        foreach (var args in new[] { "init -q -b main .", "add -A", "-c user.name=Bench -c user.email=bench@example.invalid commit -q -m Start" })
            Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = path })!.WaitForExit();
        return path;
    }

    private static async Task WaitUpAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException("the bot did not come up");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
