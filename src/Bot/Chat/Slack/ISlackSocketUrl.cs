namespace Bot.Chat.Slack;

/// <summary>Where the next Socket Mode connection goes: a fresh single-use WebSocket URL for each connection.</summary>
public interface ISlackSocketUrl
{
    Task<Uri> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>Asks Slack for the URL with <c>apps.connections.open</c>.</summary>
public sealed class SlackApiSocketUrl(SlackApi api) : ISlackSocketUrl
{
    public Task<Uri> OpenAsync(CancellationToken cancellationToken) => api.OpenSocketAsync(cancellationToken);
}
