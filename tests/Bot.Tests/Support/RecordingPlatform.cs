using Bot.Chat;
using Bot.Commands;
using Bot.Deployments;

namespace Bot.Tests.Support;

/// <summary>A chat platform named <c>test</c> that records what it was asked to show.</summary>
public sealed class RecordingPlatform : IChatPlatform
{
    public string Name => "test";

    public List<(Conversation To, ChatMessage Message)> Sent { get; } = [];
    public List<(DeploymentCard Card, DeploymentEvent Trigger)> Cards { get; } = [];
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

    public Task ShowDeploymentAsync(DeploymentCard card, DeploymentEvent trigger, CancellationToken cancellationToken)
    {
        lock (Cards) Cards.Add((card, trigger));
        return Task.CompletedTask;
    }

    public List<DeploymentState> StatesOf(long deploymentId)
    {
        lock (Cards)
            return Cards.Where(c => c.Card.Deployment.Id == deploymentId && c.Trigger.Kind == EventKind.State)
                .Select(c => c.Card.Deployment.State).ToList();
    }
}
