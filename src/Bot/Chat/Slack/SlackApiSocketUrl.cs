namespace Bot.Chat.Slack;

/// <summary>Asks Slack for the URL with <c>apps.connections.open</c>.</summary>
public sealed class SlackApiSocketUrl(SlackApi api) : ISlackSocketUrl
{
    public Task<Uri> OpenAsync(CancellationToken cancellationToken) => api.OpenSocketAsync(cancellationToken);
}
