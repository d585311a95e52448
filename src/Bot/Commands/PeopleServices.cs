using Bot.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Commands;

public static class PeopleServices
{
    /// <summary><c>People</c> and <c>RateLimit</c>, read now so a malformed one stops startup naming its key.</summary>
    public static IServiceCollection AddPeople(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PeopleOptions.From(configuration));
        services.AddSingleton<PeopleDirectory>();
        services.AddSingleton<CommandRateLimiter>();
        return services;
    }
}
