using Bot.Deployments.Store;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<Deployment?> GetAsync(long id, CancellationToken cancellationToken) => DeploymentSql.GetAsync(Single, id, cancellationToken);

    public Task<Deployment?> FindAsync(string app, int number, CancellationToken cancellationToken) => DeploymentSql.FindAsync(Single, app, number, cancellationToken);

    public Task<IReadOnlyList<Deployment>> ListAsync(string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken) =>
        DeploymentSql.ListAsync(Single, app, env, limit, activeOnly, cancellationToken);

    public Task<IReadOnlyList<Deployment>> SucceededAsync(string app, string env, int limit, CancellationToken cancellationToken) =>
        DeploymentSql.SucceededAsync(Single, app, env, limit, cancellationToken);

    public Task SetCommitAsync(long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) =>
        DeploymentSql.SetCommitAsync(Single, id, gitRef, sha, subject, cancellationToken);

    public Task<DeploymentEvent> AppendEventAsync(long deploymentId, EventKind kind, string text, DateTimeOffset at, CancellationToken cancellationToken) =>
        EventSql.AppendAsync(Single, deploymentId, kind, text, at, cancellationToken);

    public Task<IReadOnlyList<DeploymentEvent>> EventsAsync(long deploymentId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        EventSql.AfterAsync(Single, deploymentId, afterSeq, limit, cancellationToken);

    public Task<IReadOnlyList<DeploymentEvent>> TailAsync(long deploymentId, int count, CancellationToken cancellationToken) =>
        EventSql.TailAsync(Single, deploymentId, count, cancellationToken);
}
