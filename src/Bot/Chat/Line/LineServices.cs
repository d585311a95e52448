using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Chat.Line;

public static class LineServices
{
    /// <summary>LINE settings from the environment and <see cref="LineApi"/> as a typed HTTP client with a resilience pipeline.</summary>
    public static IServiceCollection AddLineApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(LineOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LineProfileCache>();
        services.AddPlatformClient<LineApi>();
        return services;
    }
}
