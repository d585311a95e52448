using Bot.Hosting;
using Bot.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Security;

/// <summary>Server logs (the console logger and any other provider) pass through the redactor, as chat and the store do.</summary>
public sealed class RedactingLogsTests
{
    private const string SlackToken = "xoxb-1234567890-abcdefghijkl";
    private const string AwsKey = "AKIAIOSFODNN7EXAMPLE";

    private sealed class Recorder : ILoggerProvider
    {
        public List<(string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, Exception? Exception)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(Recorder recorder) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (recorder.Lines)
                    recorder.Lines.Add((formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], exception));
            }
        }
    }

    [Fact]
    public void A_secret_in_a_message_its_values_or_an_exception_never_reaches_the_provider()
    {
        var recorder = new Recorder();
        var services = new ServiceCollection().AddLogging(l => l.AddProvider(recorder)).RedactLogs(new Redactor(["s3cret-db-pass"]));
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<RedactingLogsTests>>();

        logger.LogWarning(new InvalidOperationException($"auth failed for {AwsKey}"), "Calling {Url} with {Token} failed after {Attempts} tries",
            new Uri("postgres://bot:s3cret-db-pass@db.internal/bot"), SlackToken, 3);

        var (message, values, exception) = Assert.Single(recorder.Lines);
        Assert.Null(exception);
        foreach (var secret in new[] { SlackToken, AwsKey, "s3cret-db-pass" })
        {
            Assert.DoesNotContain(secret, message);
            Assert.DoesNotContain(values, v => v.Value?.ToString()?.Contains(secret) == true);
        }
        Assert.StartsWith("Calling postgres://bot:[redacted]@db.internal/bot with [redacted] failed after 3 tries", message);
        Assert.Contains("InvalidOperationException: auth failed for [redacted]", message);
        Assert.Contains(values, v => v is { Key: "Attempts", Value: 3 });
        Assert.Contains(values, v => v is { Key: "{OriginalFormat}", Value: "Calling {Url} with {Token} failed after {Attempts} tries" });
    }

    [Fact]
    public void Every_provider_of_a_server_is_wrapped_once()
    {
        var cli = BotCli.Parse(["migrate", "--data-dir", Path.Combine(Path.GetTempPath(), $"redact-{Guid.NewGuid():N}")]);
        using var host = BotHost.Build(cli, BotRole.Tool with { Logs = BotLogs.Server, CheckApps = false });
        var providers = host.Services.GetServices<ILoggerProvider>().ToList();
        Assert.NotEmpty(providers);
        Assert.All(providers, p => Assert.IsNotType<RedactingLoggerProvider>(Assert.IsType<RedactingLoggerProvider>(p).Inner));
        Assert.Contains(providers, p => ((RedactingLoggerProvider)p).Inner is Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider);
    }
}
