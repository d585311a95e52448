using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>
/// Deployments that wait without the app/env lock (<see cref="DeploymentState.Waiting"/>): listed for the gate, let go
/// into the queue once the lock is free (taking it, and asking for approvals where needed), or ended where they wait.
/// Each step acts only on a deployment that still waits, so of several processes doing the same one wins.
/// </summary>
internal static class WaitSql
{
    internal const string Waiting = $"SELECT {DeploymentColumns} FROM deployments WHERE state = 'waiting' ORDER BY id LIMIT @limit";

    public static async Task<IReadOnlyList<Deployment>> ListAsync(StoreSession db, int limit, CancellationToken cancellationToken) =>
        await db.QueryAsync(Waiting, StoreRows.Deployment, cancellationToken, ("limit", limit)).ConfigureAwait(false);

    private static async Task<bool> StillWaitsAsync(StoreSession db, long id, CancellationToken cancellationToken) =>
        await db.ScalarAsync<string>($"SELECT state FROM deployments WHERE id = @id{db.Dialect.ForUpdate}", cancellationToken, ("id", id)).ConfigureAwait(false) == "waiting";

    /// <summary>See <see cref="IDeploymentStore.ReleaseWaitingAsync"/>.</summary>
    public static async Task<EnqueueResult?> ReleaseAsync(StoreSession db, long id, ApprovalRule? approval, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!await StillWaitsAsync(db, id, cancellationToken).ConfigureAwait(false)) return null;
        var d = (await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!;
        if (await LockSql.BlockerAsync(db, d.App, d.Env, d.Origin.QualifiedUser, cancellationToken).ConfigureAwait(false) is { } blocked)
            return blocked;
        var locked = await db.ExecAsync(QueueSql.InsertDeployLock, cancellationToken, ("app", d.App), ("env", d.Env), ("holder", d.Origin.QualifiedUser),
            ("name", d.Origin.UserName), ("reason", $"{Name(d.Kind)} #{d.Number}"), ("at", at), ("id", id)).ConfigureAwait(false);
        if (locked == 0) throw new LockTaken();
        var state = approval is null ? DeploymentState.Queued : DeploymentState.AwaitingApproval;
        await db.ExecAsync("UPDATE deployments SET state = @state WHERE id = @id", cancellationToken, ("id", id), ("state", Name(state))).ConfigureAwait(false);
        await db.ExecAsync("UPDATE jobs SET state = @state WHERE deployment_id = @id AND state = 'waiting'", cancellationToken, ("id", id), ("state", Name(state))).ConfigureAwait(false);
        if (approval is { } rule) await ApprovalSql.RequestAsync(db, id, rule, cancellationToken).ConfigureAwait(false);
        await EventSql.StateAsync(db, id, state, at, cancellationToken).ConfigureAwait(false);
        return new Enqueued((await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>See <see cref="IDeploymentStore.EndWaitingAsync"/>.</summary>
    public static async Task<Deployment?> EndAsync(StoreSession db, long id, DeploymentState state, string message, DateTimeOffset at, CancellationToken cancellationToken) =>
        await StillWaitsAsync(db, id, cancellationToken).ConfigureAwait(false)
            ? await EndSql.FinishAsync(db, id, state, message, null, null, at, cancellationToken).ConfigureAwait(false)
            : null;
}
