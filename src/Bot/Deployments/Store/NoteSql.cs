namespace Bot.Deployments.Store;

/// <summary>Small per-platform notes (message ids of cards), set outright or claimed by exactly one of several processes.</summary>
internal static class NoteSql
{
    private const string Get = "SELECT value FROM notes WHERE scope = @scope AND key = @key";

    private const string Set = """
        INSERT INTO notes (scope, key, value, at) VALUES (@scope, @key, @value, @at)
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at
        """;

    // Compare-and-set in one statement: the row is written only when it is new or still says @replacing.
    private const string Claim = """
        INSERT INTO notes (scope, key, value, at) VALUES (@scope, @key, @value, @at)
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at WHERE notes.value = @replacing
        RETURNING value
        """;

    private const string List = """
        SELECT key, value FROM notes WHERE scope = @scope AND value <> @except AND at >= @since ORDER BY at LIMIT @limit
        """;

    /// <summary>See <see cref="IDeploymentStore.NotesAsync"/>.</summary>
    public static Task<IReadOnlyList<(string Key, string Value)>> ListAsync(
        StoreSession db, string scope, string except, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        Listed(db.QueryAsync(List, (r, _) => (r.GetString(0), r.GetString(1)), cancellationToken, ("scope", scope), ("except", except), ("since", since), ("limit", limit)));

    private static async Task<IReadOnlyList<(string Key, string Value)>> Listed(Task<List<(string, string)>> rows) => await rows.ConfigureAwait(false);

    public static Task<string?> GetAsync(StoreSession db, string scope, string key, CancellationToken cancellationToken) =>
        db.ScalarAsync<string>(Get, cancellationToken, ("scope", scope), ("key", key));

    public static Task<int> SetAsync(StoreSession db, string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.ExecAsync(Set, cancellationToken, ("scope", scope), ("key", key), ("value", value), ("at", at));

    /// <summary>See <see cref="IDeploymentStore.ClaimNoteAsync"/>.</summary>
    public static async Task<string> ClaimAsync(StoreSession db, string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        await db.ScalarAsync<string>(Claim, cancellationToken, ("scope", scope), ("key", key), ("value", value), ("replacing", replacing), ("at", at)).ConfigureAwait(false)
        ?? await GetAsync(db, scope, key, cancellationToken).ConfigureAwait(false)
        ?? value;
}
