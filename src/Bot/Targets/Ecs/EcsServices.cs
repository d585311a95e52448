using Bot.Targets.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Targets.Ecs;

public static class EcsServices
{
    /// <summary>The ECS target on the AWS client it shares with Lambda (settings, credentials, signed clients, CloudWatch Logs).</summary>
    public static IServiceCollection AddEcs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsClient(configuration);
        services.AddSingleton(EcsOptions.From(configuration));
        services.AddSingleton<EcsApi>();
        services.AddSingleton<EcsTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<EcsTarget>());
        return services;
    }
}
