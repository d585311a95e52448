namespace Bot.Chat.Slack;

/// <summary>Where the next Socket Mode connection goes: a fresh single-use WebSocket URL for each connection.</summary>
public interface ISlackSocketUrl
{
    Task<Uri> OpenAsync(CancellationToken cancellationToken);
}
