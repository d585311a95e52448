using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bot.Http;

/// <summary>
/// The HTTP set-up every platform client shares (Slack, LINE, Heroku, …): a typed client with a resilience pipeline
/// that times out each attempt, retries 5xx, 408, timeouts and broken connections with a growing, jittered pause, and
/// opens a circuit when half of the recent attempts failed. A 429 is left to the client, which waits for as long as
/// the platform's <c>Retry-After</c> says; retrying it here too would multiply the attempts, and counting it would open
/// the circuit on a platform that is busy but healthy.
/// </summary>
public static class PlatformHttp
{
    /// <summary>Marks a request that must not be sent twice (one that starts something, such as a build).</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("deploybot.no-retry");

    public static IHttpClientBuilder AddPlatformClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services) where TClient : class => services.AddHttpClient<TClient>().AddPlatformResilience();

    public static IHttpClientBuilder AddPlatformResilience(this IHttpClientBuilder builder)
    {
        builder.AddStandardResilienceHandler(o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
            o.Retry.ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context));
            o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
            // The standard breaker judges only after 100 attempts in 30 s, which a chat bot never makes, so it never
            // opened. Judge after two calls' worth of attempts and open when half of them failed.
            o.CircuitBreaker.MinimumThroughput = 8;
            o.CircuitBreaker.FailureRatio = 0.5;
        });
        return builder;
    }

    /// <summary>How long a 429 asks to wait (<c>Retry-After</c> as seconds or a date), else <paramref name="otherwise"/>.</summary>
    public static TimeSpan RetryAfter(HttpResponseMessage response, TimeProvider time, TimeSpan otherwise) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } at } => at > time.GetUtcNow() ? at - time.GetUtcNow() : TimeSpan.Zero,
        _ => otherwise,
    };

    /// <summary>A transient failure of a request not marked <see cref="NoRetry"/>.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        IsTransientFailure(outcome) && !(context.GetRequestMessage()?.Options.TryGetValue(NoRetry, out var no) == true && no);

    /// <summary>What the resilience handler retries: 5xx, 408, timeouts and broken connections; never 429.</summary>
    public static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
