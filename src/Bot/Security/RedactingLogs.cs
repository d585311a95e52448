using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Security;

public static class RedactingLogs
{
    /// <summary>Wraps each <see cref="ILoggerProvider"/> registered so far in a <see cref="RedactingLoggerProvider"/> (once).</summary>
    public static IServiceCollection RedactLogs(this IServiceCollection services, Redactor? redactor = null)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var d = services[i];
            if (d.ServiceType != typeof(ILoggerProvider) || d.IsKeyedService || d.ImplementationFactory?.Target is Wrapped) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(new Wrapped(d, redactor).Create);
        }
        return services;
    }

    private sealed class Wrapped(ServiceDescriptor inner, Redactor? redactor)
    {
        public ILoggerProvider Create(IServiceProvider services) =>
            new RedactingLoggerProvider(Inner(services), redactor ?? services.GetService<Redactor>() ?? Redactor.Default);

        private ILoggerProvider Inner(IServiceProvider services) =>
            inner.ImplementationInstance as ILoggerProvider
            ?? inner.ImplementationFactory?.Invoke(services) as ILoggerProvider
            ?? (ILoggerProvider)ActivatorUtilities.CreateInstance(services, inner.ImplementationType!);
    }
}
