using Bot.Chat;
using Bot.Commands;
using Bot.Deployments;

namespace Bot.Tests.Support;

/// <summary>A chat platform named <c>test</c> that records what it was asked to show.</summary>
public sealed class RecordingPlatform : IChatPlatform
{
    public string Name => "test";

    public List<(Conversation To, ChatMessage Message)> Sent { get; } = [];
    public List<(DeploymentCard Card, StoryLine Trigger)> Cards { get; } = [];
    public List<(Conversation To, AlertCard Card, AlertChange Change)> Alerts { get; } = [];

    public Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken)
    {
        lock (Alerts) Alerts.Add((to, card, change));
        return Task.CompletedTask;
    }

    public Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        lock (Sent) Sent.Add((to, message));
        return Task.CompletedTask;
    }

    /// <summary>Set to act as a platform that edits cards in place (Slack), so running cards are drawn again now and then.</summary>
    public bool RedrawsInPlace { get; set; }

    private readonly System.Threading.Channels.Channel<DeploymentCard> _shown = System.Threading.Channels.Channel.CreateUnbounded<DeploymentCard>();

    public Task ShowDeploymentAsync(DeploymentCard card, StoryLine trigger, CancellationToken cancellationToken)
    {
        lock (Cards) Cards.Add((card, trigger));
        _shown.Writer.TryWrite(card);
        return Task.CompletedTask;
    }

    /// <summary>The next card shown from now on that matches.</summary>
    public async Task<DeploymentCard> NextCardAsync(Func<DeploymentCard, bool> matches, TimeSpan patience)
    {
        using var stop = new CancellationTokenSource(patience);
        while (true)
        {
            var card = await _shown.Reader.ReadAsync(stop.Token);
            if (matches(card)) return card;
        }
    }

    public List<DeploymentState> StatesOf(long deploymentId)
    {
        lock (Cards)
            return Cards.Where(c => c.Card.Deployment.Id == deploymentId && c.Trigger.Kind == LineKind.State)
                .Select(c => c.Card.Deployment.State).ToList();
    }
}
