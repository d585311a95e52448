using Bot.Deployments.Store;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.GetAsync(db, id, cancellationToken), cancellationToken);

    public Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.FindAsync(db, app, number, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.ListAsync(db, app, env, limit, activeOnly, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => DeploymentSql.SucceededAsync(db, app, env, limit, cancellationToken), cancellationToken);

    public Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) =>
        WriteAsync(db => DeploymentSql.SetCommitAsync(db, id, gitRef, sha, subject, cancellationToken), cancellationToken, singleStatement: true);

    public Task<DeploymentEvent> AppendEventAsync(long deploymentId, EventKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => EventSql.AppendAsync(db, deploymentId, kind, text, at, cancellationToken), cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<DeploymentEvent>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        ReadAsync(db => EventSql.AfterAsync(db, deploymentId, afterSeq, limit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DeploymentEvent>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken) =>
        ReadAsync(db => EventSql.TailAsync(db, deploymentId, count, cancellationToken), cancellationToken);
}
