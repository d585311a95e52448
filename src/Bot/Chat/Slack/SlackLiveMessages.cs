using System.Collections.Concurrent;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// The Slack messages that change over time (deployment cards, alert counts): one <see cref="LiveMessage{TView}"/> each,
/// paced by <see cref="SlackLiveMessage"/>. Each message's id is kept in the store, so a restarted bot keeps editing the same one.
/// </summary>
public sealed class SlackLiveMessages(SlackApi api, IDeploymentStore store, WorkerIdentity identity, TimeProvider time, ILogger<SlackLiveMessages> logger) : IAsyncDisposable
{
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan OutputInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, LiveMessage<LiveUpdate>> _messages = new();

    /// <summary>Hands the message its latest view; the first one is awaited until posted, so a card first says what was shown first.</summary>
    public Task ShowAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        var added = false;
        var message = _messages.GetOrAdd(update.Key, key => { added = true; return Start(key); });
        message.Show(update, update.Line, update.Final);
        return added ? message.IdleAsync().WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    private LiveMessage<LiveUpdate> Start(string key)
    {
        var message = new LiveMessage<LiveUpdate>(new SlackLiveMessage(api, store, identity, time), $"the Slack message {key}", time, logger);
        message.Completion.ContinueWith(_ => _messages.TryRemove(new(key, message)), TaskScheduler.Default);
        return message;
    }

    /// <summary>Completes once the message of <paramref name="key"/> has sent its final view (at once when there is none).</summary>
    public Task DeliveredAsync(string key) => _messages.TryGetValue(key, out var message) ? message.Completion : Task.CompletedTask;

    /// <summary>Completes when no message is sending or has anything due now (tests).</summary>
    public Task SettleAsync() => Task.WhenAll(_messages.Values.Select(m => m.IdleAsync()));

    /// <summary>Completes when every message that has reached its final view has sent it, waiting for slots and tries (shutdown).</summary>
    public Task SettleFinalsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_messages.Values.Where(m => m.HasFinal).Select(m => m.Completion)).WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var message in _messages.Values) message.Stop();
        await Task.WhenAll(_messages.Values.Select(m => m.Completion)).ConfigureAwait(false);
    }
}
