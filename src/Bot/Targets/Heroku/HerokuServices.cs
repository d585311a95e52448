using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bot.Targets.Heroku;

public static class HerokuServices
{
    /// <summary>The Heroku target, its settings from the environment, and the HTTP clients it uses.</summary>
    public static IServiceCollection AddHeroku(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(HerokuOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HerokuApi.ApiClient)
            .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                // HerokuApi waits out 429 itself; a build is never started twice.
                o.Retry.ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context));
                o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
                o.CircuitBreaker.MinimumThroughput = 8;
                o.CircuitBreaker.FailureRatio = 0.5;
            });
        // Output streams last as long as a build; the deployment's token ends them, not a client timeout.
        services.AddHttpClient(HerokuApi.BlobClient, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(HerokuSources.GitHubClient, http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<HerokuApi>();
        services.AddSingleton<HerokuSources>();
        services.AddSingleton<HerokuTarget>();
        services.AddSingleton<IDeployTarget>(sp => sp.GetRequiredService<HerokuTarget>());
        return services;
    }

    /// <summary>What the resilience handler retries: 5xx, 408, timeouts and broken connections; never 429 nor a request marked <see cref="HerokuApi.NoRetry"/>.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        IsTransientFailure(outcome) && !(context.GetRequestMessage()?.Options.TryGetValue(HerokuApi.NoRetry, out var no) == true && no);

    internal static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
