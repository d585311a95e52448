using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>A platform's live messages, one per key, each started with its own sender and let go once its final view is out.</summary>
public sealed class LiveMessages<TKey, TView>(Func<TKey, ILiveSender<TView>> sender, string what, TimeProvider time, ILogger logger) : IAsyncDisposable
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, LiveMessage<TView>> _messages = new();

    /// <summary>Hands the message of <paramref name="key"/> its latest view; <paramref name="started"/> says whether this started it.</summary>
    public LiveMessage<TView> Show(TKey key, TView view, string? line, bool final, out bool started)
    {
        var added = false;
        var message = _messages.GetOrAdd(key, k =>
        {
            added = true;
            var m = new LiveMessage<TView>(sender(k), $"{what} {k}", time, logger);
            m.Completion.ContinueWith(_ => _messages.TryRemove(new(k, m)), TaskScheduler.Default);
            return m;
        });
        message.Show(view, line, final);
        started = added;
        return message;
    }

    /// <summary>Completes once the message of <paramref name="key"/> has sent its final view (at once when there is none).</summary>
    public Task DeliveredAsync(TKey key) => _messages.TryGetValue(key, out var message) ? message.Completion : Task.CompletedTask;

    /// <summary>Completes when no message is sending or has anything due now (what waits for its turn still waits).</summary>
    public Task IdleAsync() => Task.WhenAll(_messages.Values.Select(m => m.IdleAsync()));

    /// <summary>Completes when every message that has reached its final view has sent it, waiting for turns and tries (shutdown).</summary>
    public Task SettleFinalsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_messages.Values.Where(m => m.HasFinal).Select(m => m.Completion)).WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var message in _messages.Values) message.Stop();
        await Task.WhenAll(_messages.Values.Select(m => m.Completion)).ConfigureAwait(false);
    }
}
