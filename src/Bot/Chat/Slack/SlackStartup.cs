using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// Says in one line at start whether Slack is on, and asks <c>auth.test</c> who the bot is (so it never
/// answers its own messages). A bad token is logged, not fatal: the rest of the bot keeps working.
/// </summary>
public sealed class SlackStartup(SlackOptions options, SlackApi api, SlackIdentity identity, ILogger<SlackStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Slack is off: set SLACK_SIGNING_SECRET (and SLACK_BOT_TOKEN) to turn it on; /slack/* answers 401 until then.");
            return;
        }
        if (!options.CanSend)
        {
            logger.LogWarning("Slack can receive but not post: SLACK_BOT_TOKEN is not set, so cards and replies outside the HTTP answer are not sent.");
            return;
        }
        try
        {
            var me = await api.AuthTestAsync(cancellationToken).ConfigureAwait(false);
            (identity.UserId, identity.Team) = (me.UserId, me.Team);
            logger.LogInformation("Slack is on as <@{User}> in {Team}{Socket}.", me.UserId, me.Team, options.SocketMode ? " (Socket Mode)" : "");
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException or TaskCanceledException)
        {
            logger.LogError("Slack auth.test failed ({Error}); check SLACK_BOT_TOKEN. Slack requests are still accepted.",
                e is SlackApiException s ? s.Error : e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
