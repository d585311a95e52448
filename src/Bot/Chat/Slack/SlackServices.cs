using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bot.Chat.Slack;

public static class SlackServices
{
    /// <summary>Slack settings from the environment and <see cref="SlackApi"/> as a typed HTTP client with a resilience pipeline.</summary>
    public static IServiceCollection AddSlackApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(SlackOptions.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SlackUserCache>();
        services.AddHttpClient<SlackApi>()
            .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                // SlackApi waits out a 429 itself, for as long as Slack's Retry-After says; retrying it here too
                // would multiply the attempts, and counting it would open the circuit on a busy but healthy Slack.
                o.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
                o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
                // The standard breaker judges only after 100 attempts in 30 s, which a chat bot never makes, so it never
                // opened. Judge after two calls' worth of attempts and open when half of them failed.
                o.CircuitBreaker.MinimumThroughput = 8;
                o.CircuitBreaker.FailureRatio = 0.5;
            });
        return services;
    }

    /// <summary>What the resilience handler retries: the usual transient failures (5xx, 408, timeouts, broken connections), not 429.</summary>
    internal static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
