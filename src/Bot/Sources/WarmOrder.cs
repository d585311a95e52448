namespace Bot.Sources;

/// <summary>
/// The order start-up fetches repositories in: a few at a time, so three hundred apps are ready in a few slow fetches'
/// time rather than all of them one after another; one fetch per repository address, with the other apps of that
/// address following it from its local copy; a slow or hung fetch holds up only its own slot and its followers.
/// </summary>
internal static class WarmOrder
{
    /// <summary>How many fetches run at once.</summary>
    public const int Parallel = 4;

    /// <summary>
    /// Runs <paramref name="fetch"/> for every item: the first item of each <paramref name="key"/> as the leader (null),
    /// the rest once their leader is done, given it. Items whose key is null are left out.
    /// </summary>
    public static async Task RunAsync<T>(IEnumerable<T> items, Func<T, string?> key, Func<T, T?, CancellationToken, Task> fetch,
        CancellationToken cancellationToken, int parallel = Parallel) where T : class
    {
        var groups = items.Where(i => key(i) is not null).GroupBy(i => key(i)!, StringComparer.Ordinal).ToList();
        using var slots = new SemaphoreSlim(parallel);
        async Task RunAsync(T item, T? leader)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { await fetch(item, leader, cancellationToken).ConfigureAwait(false); }
            finally { slots.Release(); }
        }
        async Task GroupAsync(IGrouping<string, T> group)
        {
            var leader = group.First();
            await RunAsync(leader, null).ConfigureAwait(false);
            await Task.WhenAll(group.Skip(1).Select(follower => RunAsync(follower, leader))).ConfigureAwait(false);
        }
        try { await Task.WhenAll(groups.Select(GroupAsync)).ConfigureAwait(false); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { /* the bot is stopping */ }
    }
}
