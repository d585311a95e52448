using Bot.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Targets.Lambda;

public static class LambdaServices
{
    /// <summary>The Lambda target, the AWS settings and credentials, and the signed HTTP clients of Lambda, CloudWatch and Logs.</summary>
    public static IServiceCollection AddLambda(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsClient(configuration);
        services.AddSingleton<LambdaApi>();
        services.AddSingleton<LambdaTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<LambdaTarget>());
        return services;
    }

    /// <summary>
    /// The AWS settings and credentials, the signed HTTP clients and CloudWatch (Logs), once, for every target on AWS
    /// (Lambda, ECS): a second call adds nothing, so no client gets a second resilience handler.
    /// </summary>
    public static IServiceCollection AddAwsClient(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AwsClient))) return services;
        services.AddSingleton(AwsOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AwsCredentials>();
        services.AddHttpClient(AwsClient.ClientName).AddPlatformResilience();
        // A zip of up to 50 MB takes longer than the pipeline's per-attempt timeout; the call is never retried anyway.
        services.AddHttpClient(AwsClient.UploadClientName, http => http.Timeout = TimeSpan.FromMinutes(5));
        // A task's invoke answers when the function ends, and Lambda ends any invocation at 15 minutes.
        services.AddHttpClient(AwsClient.InvokeClientName, http => http.Timeout = TimeSpan.FromMinutes(16));
        services.AddSingleton<AwsClient>();
        services.AddSingleton<CloudWatchApi>();
        return services;
    }
}
