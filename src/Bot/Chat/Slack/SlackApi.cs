using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// A thin typed client for exactly the Slack Web API calls the bot makes. Bearer <c>SLACK_BOT_TOKEN</c>
/// (<c>SLACK_APP_TOKEN</c> for <c>apps.connections.open</c>); <c>ok:false</c> becomes <see cref="SlackApiException"/>.
/// </summary>
public sealed class SlackApi(HttpClient http, SlackOptions options, ILogger<SlackApi> logger)
{
    public Task<SlackAuth> AuthTestAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<SlackPosted> PostMessageAsync(SlackOutgoing message, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateMessageAsync(string channel, string ts, SlackOutgoing message, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task PostEphemeralAsync(string user, SlackOutgoing message, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<SlackUser?> GetUserAsync(string userId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary><c>files.getUploadURLExternal</c>, upload, <c>files.completeUploadExternal</c>: long logs as a file.</summary>
    public Task UploadFileAsync(SlackUpload upload, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary><c>apps.connections.open</c> with the app-level token: the Socket Mode WebSocket URL.</summary>
    public Task<Uri> OpenSocketAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Posts to a <c>response_url</c> from a slash command or interaction.</summary>
    public Task RespondAsync(string responseUrl, SlackOutgoing message, SlackResponseMode mode, CancellationToken cancellationToken) => throw new NotImplementedException();

    private HttpClient Http => http;
    private SlackOptions Options => options;
    private ILogger Logger => logger;
}

/// <summary>A message to send: fallback <see cref="Text"/> (also what notifications show) and Block Kit <see cref="Blocks"/>.</summary>
public sealed record SlackOutgoing(string Channel, string Text, JsonArray? Blocks = null, string? ThreadTs = null);

public sealed record SlackPosted(string Channel, string Ts);

public sealed record SlackAuth(string UserId, string? BotId, string? Team, string? Url);

public sealed record SlackUser(string Id, string Name, string? DisplayName, string? RealName)
{
    /// <summary>The name people see in Slack: display name, else real name, else the handle.</summary>
    public string Shown => !string.IsNullOrWhiteSpace(DisplayName) ? DisplayName : !string.IsNullOrWhiteSpace(RealName) ? RealName : Name;
}

public sealed record SlackUpload(string Channel, string? ThreadTs, string FileName, string Title, byte[] Content, string? Comment);

public enum SlackResponseMode { Ephemeral, InChannel, ReplaceOriginal }

/// <summary>Slack said <c>ok:false</c>; <see cref="UserMessage"/> says it in words for chat and what to do.</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;
    public string Error { get; } = error;

    public string UserMessage => Error switch
    {
        "not_in_channel" or "channel_not_found" => "I'm not in that channel. Invite me with `/invite @Deploybot`, then try again.",
        "is_archived" => "That channel is archived, so I can't post there.",
        "invalid_auth" or "not_authed" or "token_revoked" or "account_inactive" => "My Slack token is not valid; an admin should check SLACK_BOT_TOKEN.",
        "missing_scope" => "My Slack app lacks a permission; an admin should reinstall it from deploy/slack-manifest.yml.",
        "ratelimited" => "Slack is rate-limiting me; I'll catch up shortly.",
        "msg_too_long" => "That message was too long for Slack.",
        _ => $"Slack refused the message ({Error}).",
    };
}
