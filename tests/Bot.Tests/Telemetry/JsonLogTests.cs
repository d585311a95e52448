using System.Net;
using System.Text.Json;
using Bot.Hosting;
using Bot.Security;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Bot.Tests.Telemetry;

/// <summary><c>LOG_FORMAT=json</c>: one JSON object a line from the server, the redactor still in front of it; a wrong value stops start-up.</summary>
public sealed class JsonLogTests : IDisposable
{
    private const string SlackToken = "xoxb-1234567890-abcdefghijkl";
    private readonly TempDir _dir = new("jsonlogs");

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string?> Env(int port, string format) => new()
    {
        ["DATA_DIR"] = _dir["data"],
        ["PORT"] = port.ToString(),
        ["LOG_FORMAT"] = format,
    };

    [Fact]
    public async Task Serve_writes_one_json_object_a_line_with_event_ids_and_serves_metrics_to_loopback_without_a_token()
    {
        var port = Ports.Free();
        using var bot = BotProcess.Start(Env(port, "json"), _dir.Path, null, "serve");
        await bot.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        // Slack is off (no secret): refused, and the refusal is a line with its event id.
        var refused = await http.PostAsync("/slack/commands", new StringContent("text=deploy"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await bot.WaitForOutputAsync("\"EventId\":3001", TimeSpan.FromSeconds(30));

        // No METRICS_TOKEN: this machine may read /metrics; a request relayed by a proxy here may not.
        var metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("deploybot_build_info{version=", await metrics.Content.ReadAsStringAsync());
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "203.0.113.9" } } };
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(proxied)).StatusCode);
        bot.Terminate();
        await bot.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var lines = bot.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.True(json.RootElement.TryGetProperty("Message", out _), line);
        }
        var refusal = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("EventId").GetInt32() == 3001);
        Assert.Equal("Bot.Http.Webhook", refusal.GetProperty("Category").GetString());
        Assert.Equal("/slack/commands", refusal.GetProperty("State").GetProperty("Path").GetString());
    }

    [Fact]
    public async Task An_unknown_LOG_FORMAT_stops_start_up_with_one_line()
    {
        var (code, _, stderr) = await BotProcess.RunAsync(Env(Ports.Free(), "xml"), _dir.Path, "migrate");
        Assert.Equal(2, code);
        Assert.Equal("Configuration error: LOG_FORMAT: unknown format 'xml'; expected json or text", stderr.Trim());
    }

    /// <summary>The console provider's JSON formatter, writing to a string instead of the console.</summary>
    private sealed class JsonToText(ConsoleFormatter formatter, StringWriter output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(formatter, output, categoryName);

        public void Dispose() { }

        private sealed class Logger(ConsoleFormatter formatter, StringWriter output, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
            {
                lock (output) formatter.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, format), null, output);
            }
        }
    }

    [Fact]
    public void A_secret_in_a_message_or_a_structured_value_never_reaches_the_json_output()
    {
        // The formatter LOG_FORMAT=json configures, taken from the same set-up the server uses.
        var formatting = new ServiceCollection().AddLogging(l => OperatorSignals.UseJsonConsole(l));
        using var formatters = formatting.BuildServiceProvider();
        var json = formatters.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        var output = new StringWriter();
        var services = new ServiceCollection().AddLogging(l => l.AddProvider(new JsonToText(json, output))).RedactLogs(new Redactor(["s3cret-db-pass"]));
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<JsonLogTests>>();

        logger.LogWarning(new InvalidOperationException("login with s3cret-db-pass refused"), "Posting with {Token} to {Url} failed",
            SlackToken, "postgres://bot:s3cret-db-pass@db/bot");

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(SlackToken, line);
        Assert.DoesNotContain("s3cret-db-pass", line);
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.StartsWith("Posting with [redacted] to postgres://bot:[redacted]@db/bot failed", entry.GetProperty("Message").GetString());
        Assert.Equal("[redacted]", entry.GetProperty("State").GetProperty("Token").GetString());
    }
}
