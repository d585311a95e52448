using Bot.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

public static class SlackSetup
{
    /// <summary>Slack: the Web API client, the inbound handlers, the platform, and the start-up check.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration, bool receive = true)
    {
        services.AddSlackApi(configuration);
        services.TryAddSingleton<BackgroundWork>();
        services.AddSingleton<SlackIdentity>();
        services.AddSingleton<SlackReplies>();
        services.AddSingleton<ISlackInbound, SlackInbound>();
        services.AddSingleton<SlackLiveMessages>();
        services.AddSingleton<SlackPlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<SlackPlatform>());
        services.AddSingleton<SlackStartup>();
        services.AddSingleton<SlackUserGroups>();
        services.AddSingleton<IGroupDirectory>(sp => sp.GetRequiredService<SlackUserGroups>());
        if (!receive) return services;
        services.AddHostedService(sp => sp.GetRequiredService<SlackStartup>());
        services.AddHostedService<SlackUserGroupWarmup>();
        services.AddSlackSocketMode();
        return services;
    }
}

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
