using Bot.Security;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// Log lines of <c>chat</c> go to a file, so they never land on the prompt: the terminal shows the conversation only.
/// One line each, secrets redacted.
/// </summary>
public sealed class FileLoggerProvider(string path, TimeProvider time) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() { }

    private void Write(LogLevel level, string category, string text)
    {
        var line = $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ} {Short(level)} {category}: {Redactor.Default.Redact(text).ReplaceLineEndings(" ")}\n";
        lock (_gate)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                File.AppendAllText(Path, line);
            }
            catch (IOException) { /* a log line is not worth stopping the conversation for */ }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Critical => "crit",
        LogLevel.Error => "fail",
        LogLevel.Warning => "warn",
        LogLevel.Information => "info",
        _ => "dbug",
    };

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Write(logLevel, category, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}
