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

    private readonly LiveMessages<string, LiveUpdate> _messages = new(_ => new SlackLiveMessage(api, store, identity, time), "the Slack message", time, logger);

    /// <summary>Hands the message its latest view; the first one is awaited until posted, so a card first says what was shown first.</summary>
    public Task ShowAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        var message = _messages.Show(update.Key, update, update.Line, update.Final, out var started);
        return started ? message.IdleAsync().WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    /// <inheritdoc cref="LiveMessages{TKey, TView}.DeliveredAsync"/>
    public Task DeliveredAsync(string key) => _messages.DeliveredAsync(key);

    /// <inheritdoc cref="LiveMessages{TKey, TView}.IdleAsync"/>
    public Task SettleAsync() => _messages.IdleAsync();

    /// <inheritdoc cref="LiveMessages{TKey, TView}.SettleFinalsAsync"/>
    public Task SettleFinalsAsync(CancellationToken cancellationToken) => _messages.SettleFinalsAsync(cancellationToken);

    public ValueTask DisposeAsync() => _messages.DisposeAsync();
}
