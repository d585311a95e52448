using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Deployments.Notify;

public static class NotifySetup
{
    /// <summary>
    /// Deploy events (<c>Notify:Webhooks</c>), read now so a wrong address, a missing secret or an unknown key stops
    /// startup with one line. The client has a 10 s time-out and no retries of its own: <see cref="DeployEvents"/> is the retry.
    /// </summary>
    public static IServiceCollection AddDeployEvents(this IServiceCollection services, IConfiguration configuration, bool postgres)
    {
        services.AddSingleton(NotifyOptions.From(configuration, postgres));
        services.AddHttpClient(DeployEvents.Client, http => http.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<DeployEvents>();
        return services;
    }
}
