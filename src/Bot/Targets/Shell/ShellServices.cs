using Microsoft.Extensions.DependencyInjection;

namespace Bot.Targets.Shell;

public static class ShellServices
{
    /// <summary>The shell target: steps run as processes on this host. It needs no settings of its own beyond each app's.</summary>
    public static IServiceCollection AddShell(this IServiceCollection services)
    {
        services.AddSingleton<IDeployTarget, ShellTarget>();
        return services;
    }
}
