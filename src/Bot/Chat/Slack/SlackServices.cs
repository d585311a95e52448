using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Chat.Slack;

public static class SlackServices
{
    /// <summary>Slack settings from the environment and <see cref="SlackApi"/> as a typed HTTP client with a resilience pipeline.</summary>
    public static IServiceCollection AddSlackApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(SlackOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SlackUserCache>();
        services.AddPlatformClient<SlackApi>();
        return services;
    }
}
