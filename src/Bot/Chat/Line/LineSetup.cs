using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Chat.Line;

public static class LineSetup
{
    /// <summary>LINE: the Messaging API client, the webhook intake, the platform, and a start-up line.</summary>
    public static IServiceCollection AddLine(this IServiceCollection services, IConfiguration configuration, bool receive = true)
    {
        services.AddLineApi(configuration);
        services.TryAddSingleton<BackgroundWork>();
        services.AddSingleton<LineReplies>();
        services.AddSingleton<LineInbound>();
        services.AddSingleton<LinePlatform>();
        services.AddSingleton<IChatPlatform>(sp => sp.GetRequiredService<LinePlatform>());
        if (receive) services.AddHostedService<LineStartup>();
        return services;
    }
}
