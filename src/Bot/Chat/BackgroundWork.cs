using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// Work a webhook starts after it has answered (replies to mentions, button taps, late answers):
/// failures are logged, never lost in an unobserved task, and shutdown (or a test) can wait for it.
/// </summary>
public sealed class BackgroundWork(ILogger<BackgroundWork> logger)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try { await work().ConfigureAwait(false); }
            catch (Exception e) { logger.LogError(e, "{What} failed", what); }
        });
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Completes when everything started so far (and anything it started) has finished.</summary>
    public async Task IdleAsync()
    {
        while (!_running.IsEmpty)
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
    }
}
