using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bot.Http;

/// <summary>
/// The HTTP set-up every platform client shares (Slack, LINE, Heroku, Google, AWS): a resilience pipeline that times out
/// each attempt, retries 5xx, 408, timeouts and broken connections with a growing, jittered pause, waits out a 429 for as
/// long as the platform's <c>Retry-After</c> says (else the client's first wait, doubling), and opens a circuit when half
/// of the recent attempts failed. This is the only place a 429 is retried: a client sees the last answer when the
/// platform stays busy. A 429 never counts against the circuit (the platform is busy, not broken), and is retried even
/// for a request marked <see cref="NoRetry"/>: the platform refused it before doing anything.
/// </summary>
public static class PlatformHttp
{
    /// <summary>Marks a request that must not be sent twice (one that starts something, such as a build).</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("deploybot.no-retry");

    /// <summary>How many times a 429 (or a transient failure) is tried again before the client sees the answer.</summary>
    public const int RateLimitRetries = 3;

    /// <summary>The longest <c>Retry-After</c> waited out here; a platform asking for more is answered as still busy.</summary>
    public static readonly TimeSpan LongestRateLimitWait = TimeSpan.FromSeconds(10);

    public static IHttpClientBuilder AddPlatformClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, TimeSpan? rateLimitWait = null) where TClient : class =>
        services.AddHttpClient<TClient>().AddPlatformResilience(rateLimitWait);

    /// <param name="rateLimitWait">The first wait after a 429 without <c>Retry-After</c> (then twice as long each time); 1 s unless given.</param>
    public static IHttpClientBuilder AddPlatformResilience(this IHttpClientBuilder builder, TimeSpan? rateLimitWait = null)
    {
        var firstWait = rateLimitWait ?? TimeSpan.FromSeconds(1);
        builder.AddStandardResilienceHandler().Configure((o, services) =>
        {
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(PlatformHttp).FullName!);
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
            o.Retry.MaxRetryAttempts = RateLimitRetries;
            o.Retry.ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context) || WaitFor(args.Outcome, time, firstWait, 0) is not null);
            o.Retry.DelayGenerator = args => ValueTask.FromResult(WaitFor(args.Outcome, time, firstWait, args.AttemptNumber));
            o.Retry.OnRetry = args =>
            {
                if (args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } busy)
                    logger?.LogWarning("{Host} rate-limited {Path}; trying again in {Seconds}s ({Retry} of {Retries})", busy.RequestMessage?.RequestUri?.Host,
                        busy.RequestMessage?.RequestUri?.AbsolutePath, args.RetryDelay.TotalSeconds, args.AttemptNumber + 1, o.Retry.MaxRetryAttempts);
                return ValueTask.CompletedTask;
            };
            o.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
            // The standard breaker judges only after 100 attempts in 30 s, which a chat bot never makes, so it never
            // opened. Judge after two calls' worth of attempts and open when half of them failed.
            o.CircuitBreaker.MinimumThroughput = 8;
            o.CircuitBreaker.FailureRatio = 0.5;
        });
        return builder;
    }

    /// <summary>For a 429 worth waiting out: how long (its <c>Retry-After</c>, else the doubling wait). Null for anything else.</summary>
    private static TimeSpan? WaitFor(Outcome<HttpResponseMessage> outcome, TimeProvider time, TimeSpan firstWait, int attempt)
    {
        if (outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response) return null;
        var wait = RetryAfter(response, time, firstWait * (1 << Math.Min(attempt, 10)));
        return wait <= LongestRateLimitWait ? wait : null;
    }

    /// <summary>How long a 429 asks to wait (<c>Retry-After</c> as seconds or a date), else <paramref name="otherwise"/>.</summary>
    public static TimeSpan RetryAfter(HttpResponseMessage response, TimeProvider time, TimeSpan otherwise) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } at } => at > time.GetUtcNow() ? at - time.GetUtcNow() : TimeSpan.Zero,
        _ => otherwise,
    };

    /// <summary>
    /// The platform could not be reached: no connection, the pipeline's time limits or open circuit, or HttpClient's own
    /// time-out (a cancellation the caller did not ask for). Each client turns it into its own "could not be reached".
    /// </summary>
    public static bool IsUnreachable(Exception e, CancellationToken callerToken) =>
        e is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
        || e is TaskCanceledException && !callerToken.IsCancellationRequested;

    /// <summary>A transient failure of a request not marked <see cref="NoRetry"/>.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        IsTransientFailure(outcome) && !(context.GetRequestMessage()?.Options.TryGetValue(NoRetry, out var no) == true && no);

    /// <summary>What the resilience handler retries: 5xx, 408, timeouts and broken connections; never 429.</summary>
    public static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(outcome);
}
