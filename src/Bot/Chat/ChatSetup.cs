using Bot.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Chat;

public static class ChatSetup
{
    /// <summary>
    /// What tells the conversations, whichever platforms are on: the deployment cards, the alerts shown in
    /// subscribed channels, and the work a webhook leaves to run after it has answered. Each platform registers itself
    /// beside this (<c>AddSlack</c>, <c>AddLine</c>, <c>AddConsole</c>).
    /// </summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton<DeploymentCards>();
        services.TryAddSingleton<BackgroundWork>();
        services.AddSingleton<ChatAlertSink>();
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<ChatAlertSink>());
        return services;
    }
}
