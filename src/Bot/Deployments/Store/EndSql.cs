using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>How a deployment ends: finished by its runner, cancelled, or interrupted; its app/env lock is freed with it.</summary>
internal static class EndSql
{
    private const string FinishJobs = $"UPDATE jobs SET state = @state, finished_at = @at WHERE deployment_id = @id AND state IN {ActiveStates}";

    private const string CancelQueued = "UPDATE jobs SET state = 'cancelled', finished_at = @at WHERE deployment_id = @id AND state IN ('queued', 'awaiting_approval', 'waiting')";

    private const string SignalRunning = "UPDATE jobs SET cancel_requested = true WHERE deployment_id = @id AND state = 'running'";

    private const string End = $"""
        UPDATE deployments SET state = @state, message = @message, release = COALESCE(@release, release), url = COALESCE(@url, url), finished_at = @at
        WHERE id = @id AND state IN {ActiveStates}
        """;

    private const string FreeDeployLock = "DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = @id";

    // A config change's sealed values go with it: once it has ended nothing may apply them again. So does the span it was asked under.
    private const string DropSealed = $"DELETE FROM notes WHERE scope IN ('{SealedScope}', '{TraceScope}') AND key = @key";

    public static async Task<Deployment> FinishAsync(
        StoreSession db, long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await db.ExecAsync(FinishJobs, cancellationToken, ("id", id), ("state", Name(state)), ("at", at)).ConfigureAwait(false);
        return await EndAsync(db, id, state, message, release, url, at, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<CancelOutcome> RequestCancelAsync(StoreSession db, long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // On PostgreSQL the row is taken (FOR UPDATE): a claim of this job in flight finishes first, and then this sees it running.
        var state = await db.ScalarAsync<string>($"SELECT state FROM jobs WHERE deployment_id = @id ORDER BY id DESC LIMIT 1{db.Dialect.ForUpdate}",
            cancellationToken, ("id", id)).ConfigureAwait(false);
        switch (state)
        {
            case "queued" or AwaitingApproval or "waiting":
                await db.ExecAsync(CancelQueued, cancellationToken, ("id", id), ("at", at)).ConfigureAwait(false);
                await EndAsync(db, id, DeploymentState.Cancelled, "Cancelled before it started.", null, null, at, cancellationToken).ConfigureAwait(false);
                return CancelOutcome.CancelledWhileQueued;
            case "running":
                await db.ExecAsync(SignalRunning, cancellationToken, ("id", id)).ConfigureAwait(false);
                return CancelOutcome.Signalled;
            default:
                return CancelOutcome.NotActive;
        }
    }

    /// <summary>Final state for a deployment plus the release of its app/env lock; a finished deployment is left as it was.</summary>
    public static async Task<Deployment> EndAsync(
        StoreSession db, long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await db.ExecAsync(End, cancellationToken,
            ("id", id), ("state", Name(state)), ("message", message), ("release", release), ("url", url), ("at", at)).ConfigureAwait(false);
        await db.ExecAsync(FreeDeployLock, cancellationToken, ("id", id)).ConfigureAwait(false);
        await db.ExecAsync(DropSealed, cancellationToken, ("key", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
        if (changed > 0)
            await EventSql.StateAsync(db, id, state, at, cancellationToken).ConfigureAwait(false);
        return (await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!;
    }
}
