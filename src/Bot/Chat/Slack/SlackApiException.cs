namespace Bot.Chat.Slack;

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
