namespace Bot.Sources;

/// <summary>
/// Where source events go (the engine implements it): a branch that moved, and a commit whose CI results changed. The
/// webhook that calls it answers at once; nothing here runs a deploy itself.
/// </summary>
public interface IPushSink
{
    /// <summary>True the first time <paramref name="deliveryId"/> of <paramref name="source"/> is seen in any process; false for a redelivery.</summary>
    Task<bool> FirstDeliveryAsync(string source, string deliveryId, CancellationToken cancellationToken);

    Task PushedAsync(Push push, CancellationToken cancellationToken);

    /// <summary>A check run, check suite, commit status or workflow run of <paramref name="sha"/> changed (<paramref name="repository"/> is <c>owner/repo</c>).</summary>
    Task ChecksChangedAsync(string repository, string sha, CancellationToken cancellationToken);
}
