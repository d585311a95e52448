using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>App/env locks as rows: one per (app, env, kind), a deploy lock naming its deployment; a freeze is the (*, *) row.</summary>
internal static class LockSql
{
    internal const string Concerning = $"SELECT {LockColumns} FROM locks WHERE (app = @app AND env = @env) OR (app = '*' AND env = '*')";

    private const string One = $"SELECT {LockColumns} FROM locks WHERE app = @app AND env = @env AND kind = @kind";

    private const string Insert = """
        INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
        VALUES (@app, @env, @kind, @holder, @name, @reason, @since, @deployment)
        ON CONFLICT (app, env, kind) DO NOTHING
        """;

    private const string Delete = $"DELETE FROM locks WHERE app = @app AND env = @env AND kind = @kind RETURNING {LockColumns}";

    /// <summary>What holds an app/env against <paramref name="user"/> (<see cref="LockRules"/>), with the deployment under way if that is it.</summary>
    public static async Task<Blocked?> BlockerAsync(StoreSession db, string app, string env, string user, CancellationToken cancellationToken)
    {
        var locks = await db.QueryAsync(Concerning, Lock, cancellationToken, ("app", app), ("env", env)).ConfigureAwait(false);
        if (LockRules.Blocking(locks, env, user) is not { } l) return null;
        return new Blocked(l, l.Kind == LockKind.Deploy && l.DeploymentId is { } holder
            ? await DeploymentSql.GetAsync(db, holder, cancellationToken).ConfigureAwait(false)
            : null);
    }

    /// <summary>Takes <paramref name="wanted"/>; returns the lock that already stands if there is one.</summary>
    public static async Task<LockInfo?> TakeAsync(StoreSession db, LockInfo wanted, CancellationToken cancellationToken)
    {
        var added = await db.ExecAsync(Insert, cancellationToken, ("app", wanted.App), ("env", wanted.Env), ("kind", Name(wanted.Kind)), ("holder", wanted.HolderId),
            ("name", wanted.HolderName), ("reason", wanted.Reason), ("since", wanted.Since), ("deployment", wanted.DeploymentId)).ConfigureAwait(false);
        if (added > 0) return null;
        return await db.FirstAsync(One, Lock, cancellationToken, ("app", wanted.App), ("env", wanted.Env), ("kind", Name(wanted.Kind))).ConfigureAwait(false);
    }

    /// <summary>Frees a lock; returns it, or null when there was none.</summary>
    public static Task<LockInfo?> FreeAsync(StoreSession db, string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        db.FirstAsync(Delete, Lock, cancellationToken, ("app", app), ("env", env), ("kind", Name(kind)));

    /// <summary>All locks, or an app's and those over everything, in byte order of app and env.</summary>
    public static async Task<IReadOnlyList<LockInfo>> ListAsync(StoreSession db, string? app, CancellationToken cancellationToken)
    {
        var order = $"ORDER BY app{db.Dialect.ByteOrder}, env{db.Dialect.ByteOrder}, kind";
        return app is null
            ? await db.QueryAsync($"SELECT {LockColumns} FROM locks {order}", Lock, cancellationToken).ConfigureAwait(false)
            : await db.QueryAsync($"SELECT {LockColumns} FROM locks WHERE app IN (@app, '*') {order}", Lock, cancellationToken, ("app", app)).ConfigureAwait(false);
    }
}
