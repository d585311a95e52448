using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Sources.GitHub;

public static class GitHubServices
{
    /// <summary>The GitHub client, its settings from the environment, and the HTTP client it uses (with the platforms' resilience pipeline).</summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GitHubOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(GitHubApi.Client).AddPlatformResilience();
        services.AddSingleton<GitHubApi>();
        return services;
    }
}
