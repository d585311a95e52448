using Bot.Commands;
using Bot.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// LINE as a chat platform, careful with the monthly push quota: each deployment's card is one
/// <see cref="LiveMessage{TView}"/> sent by <see cref="LineCardMessage"/> (loading animation or one progress push while
/// it runs, the result pushed once, tried again later when LINE fails it for a reason that can pass).
/// </summary>
public sealed class LinePlatform(LineApi api, LineOptions options, IDeploymentStore store, TimeProvider time, ILogger<LinePlatform> logger)
    : IChatPlatform, IAsyncDisposable
{
    public static readonly TimeSpan LoadingEvery = TimeSpan.FromSeconds(55);
    public const int LoadingSeconds = 60;

    private readonly LiveMessages<long, DeploymentCard> _cards = new(_ => new LineCardMessage(api, options, store, time, logger), "the LINE card of deployment", time, logger);

    public string Name => "line";

    public async Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        await api.PushAsync(to.Channel, LineMessages.From([message]), Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
    }

    public Task ShowDeploymentAsync(DeploymentCard shown, StoryLine trigger, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return Task.CompletedTask;
        // LINE sends only on a change of state, so each is sent (or waiting for its pause) before the next is shown.
        var card = _cards.Show(shown.Deployment.Id, shown, null, shown.Deployment.IsFinished, out _);
        return card.IdleAsync().WaitAsync(cancellationToken);
    }

    public Task CardDeliveredAsync(Deployment d) => _cards.DeliveredAsync(d.Id);

    public Task IdleAsync() => _cards.IdleAsync();

    public Task SettleAsync(CancellationToken cancellationToken) => _cards.SettleFinalsAsync(cancellationToken);

    /// <summary>
    /// A LINE message cannot be edited, and every push counts against the month's quota: an alert is pushed when
    /// it starts and when it is resolved, never for repeats (<c>alerts</c> shows the count).
    /// </summary>
    public async Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken)
    {
        if (!options.CanSend || change is AlertChange.Repeated or AlertChange.NothingOpen) return;
        var purpose = change == AlertChange.Resolved ? "alert-resolved" : "alert";
        await api.PushAsync(to.Channel, [LineMessages.Alert(card)], RetryKey(card.Alert.Id, $"{purpose}:{to.Channel}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same deployment and purpose always give the same key (a UUID shaped from a hash).</summary>
    public static Guid RetryKey(long deploymentId, string purpose)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"deploybot:{deploymentId}:{purpose}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public ValueTask DisposeAsync() => _cards.DisposeAsync();
}
