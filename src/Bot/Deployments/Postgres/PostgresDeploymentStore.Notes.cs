using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        NoteSql.SetAsync(Single, scope, key, value, at, cancellationToken);

    public Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        NoteSql.ClaimAsync(Single, scope, key, value, replacing, at, cancellationToken);

    public Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken) =>
        NoteSql.GetAsync(Single, scope, key, cancellationToken);
}
