using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>A deployment's events: its output and its state changes, numbered in the order they were recorded.</summary>
internal static class EventSql
{
    /// <summary>Records one event (parameters id, at, kind, text) and returns its <c>seq</c>; stores run it as <see cref="StoreDialect.AppendEvent"/>.</summary>
    public const string Append = "INSERT INTO deployment_events (deployment_id, at, kind, text) VALUES (@id, @at, @kind, @text) RETURNING seq";

    private const string After = $"""
        SELECT {EventColumns} FROM deployment_events
        WHERE deployment_id = @id AND seq > @after ORDER BY seq LIMIT @limit
        """;

    private const string LastOutput = $"""
        SELECT {EventColumns} FROM deployment_events
        WHERE deployment_id = @id AND kind IN ('output', 'erroroutput') ORDER BY seq DESC LIMIT @count
        """;

    public static async Task<StoryLine> AppendAsync(StoreSession db, long deploymentId, LineKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var seq = await db.ScalarAsync<long>(db.Dialect.AppendEvent, cancellationToken,
            ("id", deploymentId), ("at", at), ("kind", Name(kind)), ("text", text)).ConfigureAwait(false);
        return StoryLine.Stored(deploymentId, seq, at, kind, text);
    }

    /// <summary>The event that says a deployment is now in <paramref name="state"/>.</summary>
    public static Task<StoryLine> StateAsync(StoreSession db, long deploymentId, DeploymentState state, DateTimeOffset at, CancellationToken cancellationToken) =>
        AppendAsync(db, deploymentId, LineKind.State, Name(state), at, cancellationToken);

    public static async Task<IReadOnlyList<StoryLine>> AfterAsync(StoreSession db, long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        await db.QueryAsync(After, Line, cancellationToken, ("id", deploymentId), ("after", afterSeq), ("limit", limit)).ConfigureAwait(false);

    /// <summary>The last <paramref name="count"/> output lines, oldest first.</summary>
    public static async Task<IReadOnlyList<StoryLine>> TailAsync(StoreSession db, long deploymentId, int count, CancellationToken cancellationToken)
    {
        var newestFirst = await db.QueryAsync(LastOutput, Line, cancellationToken, ("id", deploymentId), ("count", count)).ConfigureAwait(false);
        newestFirst.Reverse();
        return newestFirst;
    }
}
