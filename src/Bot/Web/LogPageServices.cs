using Bot.Configuration;
using Bot.Security;
using Bot.Targets.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Web;

/// <summary>The signed log and alert pages: links for the cards in every process, the pages where the web endpoints are.</summary>
public static class LogPageServices
{
    public static IServiceCollection AddLogPages(this IServiceCollection services, IConfiguration configuration)
    {
        // Read now, so a wrong LogLinks:Lifetime or BOT_PUBLIC_URL stops startup with one line.
        var dataDir = Path.GetFullPath(configuration["DATA_DIR"] is { Length: > 0 } d ? d : "data");
        services.TryAddSingleton(LogLinkOptions.From(configuration, dataDir));
        services.TryAddSingleton<LogLinks>();
        // Config values waiting in the store are sealed, and fingerprinted, under keys derived from the link key.
        services.TryAddSingleton(sp => new ConfigSeal(sp.GetRequiredService<LogLinkOptions>().Key));
        services.TryAddSingleton<LogPageHtml>();
        services.TryAddSingleton<LogPages>();
        services.TryAddSingleton<LogStream>();
        services.TryAddSingleton<AlertPage>();
        services.TryAddSingleton<StatsPage>();
        return services;
    }

    /// <summary>Only these answer under <c>/d/</c>, <c>/a/</c> and <c>/s/</c>, and only with a valid token: no listing of apps or deployments.</summary>
    public static IEndpointRouteBuilder MapLogPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/d/{app}/{number:int}", (HttpContext context, string app, int number) =>
            context.RequestServices.GetRequiredService<LogPages>().PageAsync(context, app, number));
        app.MapGet("/d/{app}/{number:int}/events", (HttpContext context, string app, int number) =>
            context.RequestServices.GetRequiredService<LogStream>().StreamAsync(context, app, number));
        app.MapGet("/a/{id:long}", (HttpContext context, long id) =>
            context.RequestServices.GetRequiredService<AlertPage>().PageAsync(context, id));
        app.MapGet("/s/{period}/{env}", (HttpContext context, string period, string env) =>
            context.RequestServices.GetRequiredService<StatsPage>().PageAsync(context, period, env, null));
        app.MapGet("/s/{period}/{env}/{app}", (HttpContext context, string period, string env, string app) =>
            context.RequestServices.GetRequiredService<StatsPage>().PageAsync(context, period, env, app));
        return app;
    }
}
