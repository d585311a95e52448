using System.Collections.Concurrent;
using Bot.Chat;
using Bot.Chat.Slack;
using Bot.Deployments;
using Bot.Targets;
using Bot.Tests.Chat.Line;
using Bot.Tests.Chat.Slack;
using Bot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Reliability;

/// <summary>
/// Slack and LINE at once, for a bot that talks to both: the two spec-checking fakes behind one primary HTTP handler,
/// the settings that point the bot at them, a fake target, a clock that stands still and a log that keeps the errors.
/// </summary>
public sealed class PlatformFakes
{
    public FakeSlackApi Slack { get; } = new();
    public FakeLineApi Line { get; } = new();
    public FakeTarget Target { get; } = new();
    public ErrorLog Log { get; } = new();

    /// <summary>Time stands still, so nothing the bot schedules for later (card edits, progress pushes) fires during a run.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public const string AlertsSecret = "test-alerts-secret";
    public const string HerokuWebhookSecret = "test-heroku-webhook-secret";

    public Dictionary<string, string?> Settings(IEnumerable<KeyValuePair<string, string?>> apps)
    {
        return new Dictionary<string, string?>(apps)
        {
            ["SLACK_SIGNING_SECRET"] = BotWebHost.SlackSecret,
            ["SLACK_BOT_TOKEN"] = Slack.BotToken,
            ["SLACK_API_URL"] = Slack.ApiBase.ToString(),
            ["LINE_CHANNEL_SECRET"] = BotWebHost.LineSecret,
            ["LINE_CHANNEL_ACCESS_TOKEN"] = Line.AccessToken,
            ["LINE_API_URL"] = Line.ApiBase.ToString(),
            ["ALERTS_SECRET"] = AlertsSecret,
            ["HEROKU_WEBHOOK_SECRET"] = HerokuWebhookSecret,
        };
    }

    public void Replace(IServiceCollection services)
    {
        services.AddSingleton<IDeployTarget>(Target);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ILoggerProvider>(Log);
        var router = new Router(Slack, Line);
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => router));
    }

    /// <summary>Waits until every webhook's background work, every deployment and every card or push about it is done.</summary>
    public static async Task QuietAsync(IServiceProvider services)
    {
        var patience = TimeSpan.FromSeconds(30);
        var background = services.GetRequiredService<BackgroundWork>();
        var store = services.GetRequiredService<IDeploymentStore>();
        using var updates = services.GetRequiredService<DeploymentFeed>().Subscribe();
        while (true)
        {
            await background.IdleAsync().WaitAsync(patience);
            if ((await store.ListAsync(null, null, 1, activeOnly: true, default)).Count == 0) break;
            await updates.Reader.ReadAsync().AsTask().WaitAsync(patience);
        }
        await services.GetRequiredService<DeploymentCards>().IdleAsync().WaitAsync(patience);
        // A failure's announcement runs as background work the notifier started; it hands Slack the alert card.
        await background.IdleAsync().WaitAsync(patience);
        await services.GetRequiredService<SlackPlatform>().SettleAsync().WaitAsync(patience);
        await background.IdleAsync().WaitAsync(patience);
    }

    /// <summary>LINE's host goes to the LINE fake; Slack's API, its upload URLs and every response_url go to the Slack fake.</summary>
    private sealed class Router(FakeSlackApi slack, FakeLineApi line) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _slack = new(slack, disposeHandler: false);
        private readonly HttpMessageInvoker _line = new(line, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            (request.RequestUri?.Host == line.ApiBase.Host ? _line : _slack).SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Keeps the log entries at Error or above, grouped by where they came from (category, exception type and the first
/// frame in the bot's code), with the first of each kind in full: an error logged while handling requests is an
/// exception the bot caught too late, which a reliability run counts as a failure.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, (int Count, string First)> _kinds = new();

    public IReadOnlyDictionary<string, (int Count, string First)> Kinds => _kinds;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string category, string message, Exception? exception)
    {
        var frame = exception?.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at Bot.", StringComparison.Ordinal));
        var kind = exception is null ? $"{category}: {message}" : $"{category}: {exception.GetType().Name} {frame}";
        _kinds.AddOrUpdate(kind, _ => (1, $"{message}\n{exception}"), (_, k) => (k.Count + 1, k.First));
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Add(category, formatter(state, exception), exception);
        }
    }
}
