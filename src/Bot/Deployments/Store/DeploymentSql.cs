using static Bot.Deployments.Store.StoreRows;

namespace Bot.Deployments.Store;

/// <summary>Reading deployments, and the commit a deployment turned out to ship.</summary>
internal static class DeploymentSql
{
    private const string ById = $"SELECT {DeploymentColumns} FROM deployments WHERE id = @id";

    private const string ByNumber = $"SELECT {DeploymentColumns} FROM deployments WHERE app = @app AND number = @number";

    internal const string Succeeded = $"""
        SELECT {DeploymentColumns} FROM deployments
        WHERE app = @app AND env = @env AND state = 'succeeded' AND kind <> 'task'
        ORDER BY id DESC LIMIT @limit
        """;

    private const string SetCommit = "UPDATE deployments SET ref = COALESCE(@ref, ref), sha = @sha, subject = @subject WHERE id = @id";

    public static Task<Deployment?> GetAsync(StoreSession db, long id, CancellationToken cancellationToken) =>
        db.FirstAsync(ById, StoreRows.Deployment, cancellationToken, ("id", id));

    public static Task<Deployment?> FindAsync(StoreSession db, string app, int number, CancellationToken cancellationToken) =>
        db.FirstAsync(ByNumber, StoreRows.Deployment, cancellationToken, ("app", app), ("number", number));

    public static async Task<IReadOnlyList<Deployment>> ListAsync(StoreSession db, string? app, string? env, int limit, bool activeOnly, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object?)> { ("limit", limit) };
        if (app is not null) parameters.Add(("app", app));
        if (env is not null) parameters.Add(("env", env));
        return await db.QueryAsync(ListSql(app is not null, env is not null, activeOnly), StoreRows.Deployment, cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <summary>
    /// Only the conditions asked for, so the database can use the (app, env, id) index for history and, for the
    /// deployments not yet ended, the <c>deployments_open</c> index, whose condition is exactly <see cref="StoreNames.ActiveStates"/>.
    /// </summary>
    internal static string ListSql(bool app, bool env, bool activeOnly)
    {
        var where = new List<string>();
        if (app) where.Add("app = @app");
        if (env) where.Add("env = @env");
        if (activeOnly) where.Add($"state IN {StoreNames.ActiveStates}");
        return $"SELECT {DeploymentColumns} FROM deployments {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @limit";
    }

    public static async Task<IReadOnlyList<Deployment>> SucceededAsync(StoreSession db, string app, string env, int limit, CancellationToken cancellationToken) =>
        await db.QueryAsync(Succeeded, StoreRows.Deployment, cancellationToken, ("app", app), ("env", env), ("limit", limit)).ConfigureAwait(false);

    public static Task<int> SetCommitAsync(StoreSession db, long id, string? gitRef, string sha, string subject, CancellationToken cancellationToken) =>
        db.ExecAsync(SetCommit, cancellationToken, ("id", id), ("ref", gitRef), ("sha", sha), ("subject", subject));
}
