using static Bot.Deployments.Store.StoreRows;

namespace Bot.Deployments.Store;

/// <summary>The audit log of commands, and the webhook deliveries already seen.</summary>
internal static class AuditSql
{
    private const string Insert = $"""
        INSERT INTO audit ({AuditColumns})
        VALUES (@at, @platform, @conversation, @user_id, @user_name, @command, @app, @result, @person, @outcome, @env)
        """;

    /// <summary>
    /// The same entry, keyed by the delivery it answers (the <c>audit_delivery</c> unique index): the entry is the delivery's
    /// de-duplication record too, so a command that changes nothing costs one row. Built from <see cref="Insert"/>, so both
    /// always name the same columns.
    /// </summary>
    private static readonly string InsertOnce =
        Insert.Replace($"{AuditColumns})", $"{AuditColumns}, delivery)", StringComparison.Ordinal).TrimEnd()[..^1]
        + ", @delivery) ON CONFLICT (delivery) DO NOTHING";

    internal const string All = $"SELECT {AuditColumns} FROM audit ORDER BY id DESC LIMIT @limit";

    internal const string OfApp = $"SELECT {AuditColumns} FROM audit WHERE app = @app ORDER BY id DESC LIMIT @limit";

    // In time order, so the export starts at @since in the (at, id) and (app, at, id) indexes instead of walking every older entry.
    internal const string AllSince = $"SELECT {AuditColumns} FROM audit WHERE at >= @since ORDER BY at, id LIMIT @limit";

    internal const string OfAppSince = $"SELECT {AuditColumns} FROM audit WHERE at >= @since AND app = @app ORDER BY at, id LIMIT @limit";

    private const string RecordDelivery = "INSERT INTO deliveries (source, id, at) VALUES (@source, @id, @at) ON CONFLICT (source, id) DO NOTHING";

    private const string PruneDeliveries = "DELETE FROM deliveries WHERE at < @cutoff";

    /// <summary>Platforms stop retrying within hours; a day of delivery ids is plenty and keeps the table small.</summary>
    public static readonly TimeSpan DeliveriesKept = TimeSpan.FromDays(1);

    /// <summary>Writes <paramref name="e"/>; with a <paramref name="delivery"/> key, only if no entry has that key yet (0 then; keys left null never clash).</summary>
    public static Task<int> AuditAsync(StoreSession db, AuditEntry e, CancellationToken cancellationToken, string? delivery = null) =>
        db.ExecAsync(InsertOnce, cancellationToken, ("delivery", delivery), ("at", e.At), ("platform", e.Platform), ("conversation", e.Conversation), ("user_id", e.UserId),
            ("user_name", e.UserName), ("command", e.Command), ("app", e.App), ("result", e.Result), ("person", e.Person), ("outcome", e.Outcome), ("env", e.Env));

    public static async Task<IReadOnlyList<AuditEntry>> LogAsync(StoreSession db, string? app, int limit, CancellationToken cancellationToken) =>
        app is null
            ? await db.QueryAsync(All, Audit, cancellationToken, ("limit", limit)).ConfigureAwait(false)
            : await db.QueryAsync(OfApp, Audit, cancellationToken, ("app", app), ("limit", limit)).ConfigureAwait(false);

    /// <summary>Oldest first, from <paramref name="since"/> on: the export.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> SinceAsync(StoreSession db, DateTimeOffset since, string? app, int limit, CancellationToken cancellationToken) =>
        app is null
            ? await db.QueryAsync(AllSince, Audit, cancellationToken, ("since", since), ("limit", limit)).ConfigureAwait(false)
            : await db.QueryAsync(OfAppSince, Audit, cancellationToken, ("since", since), ("app", app), ("limit", limit)).ConfigureAwait(false);

    /// <summary>False when the delivery was seen before.</summary>
    public static async Task<bool> RecordDeliveryAsync(StoreSession db, string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await db.ExecAsync(RecordDelivery, cancellationToken, ("source", source), ("id", deliveryId), ("at", at)).ConfigureAwait(false) > 0;

    /// <summary>Now and then (one recorded delivery in 5000) forgets ids older than <see cref="DeliveriesKept"/>.</summary>
    public static bool TimeToPrune() => Random.Shared.Next(5000) == 0;

    public static Task<int> PruneDeliveriesAsync(StoreSession db, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.ExecAsync(PruneDeliveries, cancellationToken, ("cutoff", at - DeliveriesKept));
}
