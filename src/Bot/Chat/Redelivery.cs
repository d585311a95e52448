using Polly;

namespace Bot.Chat;

/// <summary>
/// How the platforms try again to deliver what a deployment's conversation must get (a card's final state, a pushed
/// result) when the chat service failed it even after the HTTP client's own quick retries: after 2 s, then twice as
/// long each time up to 5 minutes, for <see cref="MaxTries"/> tries in all (about a quarter of an hour).
/// </summary>
internal static class Redelivery
{
    public const int MaxTries = 10;

    /// <summary>The pause after the <paramref name="failures"/>-th failed try.</summary>
    public static TimeSpan After(int failures) => TimeSpan.FromSeconds(Math.Min(300, 1 << Math.Clamp(failures, 1, 9)));

    /// <summary>Failures that can pass: the service was unreachable or too slow, or the circuit is open to spare it.</summary>
    public static bool MayPass(Exception e) => e is HttpRequestException or OperationCanceledException or ExecutionRejectedException;
}
