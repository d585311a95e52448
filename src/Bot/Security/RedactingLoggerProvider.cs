using System.Collections;
using Microsoft.Extensions.Logging;

namespace Bot.Security;

/// <summary>
/// Puts every log line through the <see cref="Redactor"/> before its provider (the console, a file) sees it: the message,
/// the exception folded into it, and the structured values. <see cref="RedactLogs"/> wraps the providers registered so far.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, Redactor redactor) : ILoggerProvider, ISupportExternalScope
{
    public ILoggerProvider Inner => inner;

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped) scoped.SetScopeProvider(scopeProvider);
    }

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, Redactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            // The exception's own text (message, inner ones, stack) is where a connection string or token most often hides.
            if (exception is not null) message = $"{message}{Environment.NewLine}{exception}";
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            inner.Log(logLevel, eventId, new RedactedState(redactor.Redact(message), values, redactor), null, static (s, _) => s.Message);
        }
    }

    /// <summary>The structured values as redacted text (numbers and times as they are); <c>{OriginalFormat}</c> is the template.</summary>
    private sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values, Redactor redactor)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index] switch
        {
            { Key: "{OriginalFormat}" } template => template,
            { Value: null or bool or int or long or double or decimal or DateTimeOffset or DateTime or TimeSpan or Enum } plain => plain,
            var (key, value) => new(key, redactor.Redact(value!.ToString() ?? "")),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
