using System.Runtime.CompilerServices;

namespace Bot.Targets;

/// <summary>
/// A target's events with its platform's refusals (the API error its client throws) turned, as they happen, into a
/// <see cref="DeployFailedException"/> that says in chat what went wrong and what to type next.
/// </summary>
public static class Refusals
{
    public static async IAsyncEnumerable<DeployEvent> ExplainedBy<TRefusal>(
        this IAsyncEnumerable<DeployEvent> events, Func<TRefusal, DeployFailedException> explain, [EnumeratorCancellation] CancellationToken ct)
        where TRefusal : Exception
    {
        await using var e = events.GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try { more = await e.MoveNextAsync().ConfigureAwait(false); }
            catch (TRefusal x) { throw explain(x); }
            if (!more) yield break;
            yield return e.Current;
        }
    }
}
