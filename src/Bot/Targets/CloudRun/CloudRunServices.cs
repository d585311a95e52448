using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Targets.CloudRun;

public static class CloudRunServices
{
    /// <summary>The Cloud Run target, its Google clients on the shared resilience set-up, and Application Default Credentials.</summary>
    public static IServiceCollection AddCloudRun(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(CloudRunOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        // The pipeline waits out a 429 (first wait GoogleRest.RateLimitWait); GoogleRest marks the calls that start something
        // (a build, a patch), which it never sends twice.
        services.AddHttpClient(GoogleRest.Client).AddPlatformResilience(GoogleRest.RateLimitWait);
        services.AddSingleton<GoogleTokens>();
        services.AddSingleton<GoogleRest>();
        services.AddSingleton<CloudBuildApi>();
        services.AddSingleton<CloudRunApi>();
        services.AddSingleton<CloudLoggingApi>();
        services.AddSingleton<CloudRunTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<CloudRunTarget>());
        return services;
    }
}
