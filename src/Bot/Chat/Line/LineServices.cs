using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bot.Chat.Line;

public static class LineServices
{
    /// <summary>LINE settings from the environment and <see cref="LineApi"/> as a typed HTTP client with a resilience pipeline.</summary>
    public static IServiceCollection AddLineApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(LineOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LineProfileCache>();
        services.AddHttpClient<LineApi>()
            .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                // LineApi waits out a 429 itself (Retry-After, else a doubling back-off); retrying it here as well would
                // multiply the attempts, and counting it would open the circuit on a LINE that is busy but healthy.
                o.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
                o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
                // The standard breaker judges only after 100 attempts in 30 s, which a chat bot never makes, so it never
                // opened. Judge after two calls' worth of attempts and open when half of them failed.
                o.CircuitBreaker.MinimumThroughput = 8;
                o.CircuitBreaker.FailureRatio = 0.5;
            });
        return services;
    }

    /// <summary>What the resilience handler retries: 5xx, 408, timeouts and broken connections; never 429.</summary>
    internal static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
