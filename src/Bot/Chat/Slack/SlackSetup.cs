using Bot.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddSingleton<SlackConfigModal>();
        services.AddSingleton<SlackEnvFiles>();
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
