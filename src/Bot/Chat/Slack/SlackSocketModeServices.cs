using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bot.Chat.Slack;

public static class SlackSocketModeServices
{
    /// <summary>
    /// Runs <see cref="SlackSocketMode"/> with the host. When Socket Mode is on it needs an <see cref="ISlackInbound"/>,
    /// and <see cref="SlackApi"/> unless another <see cref="ISlackSocketUrl"/> was registered first.
    /// </summary>
    public static IServiceCollection AddSlackSocketMode(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => SlackOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new SlackSocketModeOptions());
        services.TryAddSingleton<ISlackSocketUrl, SlackApiSocketUrl>();
        services.TryAddSingleton<SlackSocketMode>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlackSocketMode>(sp => sp.GetRequiredService<SlackSocketMode>()));
        return services;
    }
}
