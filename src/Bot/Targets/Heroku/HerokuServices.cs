using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Targets.Heroku;

public static class HerokuServices
{
    /// <summary>The Heroku target, its settings from the environment, and the HTTP clients it uses.</summary>
    public static IServiceCollection AddHeroku(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(HerokuOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        // The pipeline waits out a 429 (first wait HerokuApi.RateLimitWait); HerokuApi marks the calls that start a build,
        // which it never sends twice.
        services.AddHttpClient(HerokuApi.ApiClient).AddPlatformResilience(HerokuApi.RateLimitWait);
        // Output streams last as long as a build; the deployment's token ends them, not a client timeout.
        services.AddHttpClient(HerokuApi.BlobClient, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(HerokuSources.GitHubClient, http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<HerokuApi>();
        services.AddSingleton<HerokuSources>();
        services.AddSingleton<HerokuTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<HerokuTarget>());
        return services;
    }
}
