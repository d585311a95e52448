using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => NoteSql.SetAsync(db, scope, key, value, at, cancellationToken), cancellationToken, singleStatement: true);

    public Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => NoteSql.ClaimAsync(db, scope, key, value, replacing, at, cancellationToken), cancellationToken);

    public Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken) =>
        ReadAsync(db => NoteSql.GetAsync(db, scope, key, cancellationToken), cancellationToken);
}
