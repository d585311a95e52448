using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>
/// The state lines of every deployment in the order they were recorded (one log for all), read by what sends them on
/// (deploy events); the partial index <c>deployment_events_state</c> keeps this cheap on a big store.
/// </summary>
internal static class StateSql
{
    private static readonly string Columns = string.Join(", ", DeploymentColumns.Split(", ").Select(c => "d." + c));

    private static readonly string After = $"""
        SELECT {Columns}, e.seq, e.at, e.text FROM deployment_events e JOIN deployments d ON d.id = e.deployment_id
        WHERE e.kind = '{Name(LineKind.State)}' AND e.seq > @after AND e.seq <= @upto ORDER BY e.seq LIMIT @limit
        """;

    private const string Last = "SELECT COALESCE(MAX(seq), 0) FROM deployment_events";

    private static readonly int First = DeploymentColumns.Split(", ").Length;

    /// <summary>See <see cref="IDeploymentStore.StateChangesAsync"/>.</summary>
    public static async Task<IReadOnlyList<FeedItem>> AfterAsync(StoreSession db, long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken) =>
        await db.QueryAsync(After, (r, d) => new FeedItem(Deployment(r, d),
            StoryLine.Stored(r.GetInt64(0), r.GetInt64(First), d.Time(r, First + 1), LineKind.State, r.GetString(First + 2))),
            cancellationToken, ("after", afterSeq), ("upto", upToSeq), ("limit", limit)).ConfigureAwait(false);

    public static async Task<long> LastSeqAsync(StoreSession db, CancellationToken cancellationToken) =>
        await db.ScalarAsync<long>(Last, cancellationToken).ConfigureAwait(false);
}
