using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>
/// The job queue: a deployment is queued with its job and its app/env lock, claimed under a lease, renewed, and
/// recovered when its runner is gone. Each method is one step of a store's transaction (or of SQLite's batch).
/// </summary>
internal static class QueueSql
{
    private const string InsertDeployment = """
        INSERT INTO deployments (app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, state, created_at, rollback_to, skip_checks, promote_from, via)
        VALUES (@app, @env, @number, @kind, @ref, @sha, @subject, @platform, @conversation, @thread, @user_id, @user_name, @state, @at, @rollback_to, @skip, @promote_from, @via)
        RETURNING id
        """;

    // The unique (app, env, kind) row is the lock: a request that committed meanwhile makes this insert a no-op.
    internal const string InsertDeployLock = """
        INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
        VALUES (@app, @env, 'deploy', @holder, @name, @reason, @at, @id)
        ON CONFLICT (app, env, kind) DO NOTHING
        """;

    private const string InsertJob = "INSERT INTO jobs (kind, deployment_id, state, owner, created_at) VALUES ('deploy', @id, @state, @owner, @at) RETURNING id";

    private const string Started = "UPDATE deployments SET state = 'running', started_at = @at WHERE id = @id";

    private const string Renew = """
        UPDATE jobs SET lease_until = @until WHERE id = @id AND owner = @owner AND state = 'running'
        RETURNING cancel_requested
        """;

    private const string Interrupt = "UPDATE jobs SET state = 'interrupted', finished_at = @at WHERE id = @id";

    /// <summary>
    /// Queues <paramref name="d"/> unless a lock holds its app/env (<see cref="LockRules"/>); the job's id comes with it.
    /// Throws <see cref="LockTaken"/> when another request took the app/env between the check and the insert.
    /// </summary>
    public static async Task<(EnqueueResult Result, long Job)> EnqueueAsync(StoreSession db, NewDeployment d, CancellationToken cancellationToken)
    {
        if (!d.Waits && d.TakesLock && await LockSql.BlockerAsync(db, d.App, d.Env, d.Origin.QualifiedUser, cancellationToken).ConfigureAwait(false) is { } blocked)
            return (blocked, 0);
        var number = await db.ScalarAsync<int>(db.Dialect.NextNumber, cancellationToken, ("app", d.App)).ConfigureAwait(false);
        // Waiting for approval, the job exists (and the lock is held) but no worker can claim it yet.
        // Waiting (for checks or its turn), it holds no lock and its job is not claimable; the gate lets it go.
        var state = d.Waits ? DeploymentState.Waiting : d.Approval is null ? DeploymentState.Queued : DeploymentState.AwaitingApproval;
        var id = await db.ScalarAsync<long>(InsertDeployment, cancellationToken, ("state", Name(state)),
            ("app", d.App), ("env", d.Env), ("number", number), ("kind", Name(d.Kind)), ("ref", d.Ref), ("sha", d.Sha), ("subject", d.Subject),
            ("platform", d.Origin.Platform), ("conversation", d.Origin.Conversation), ("thread", d.Origin.Thread),
            ("user_id", d.Origin.UserId), ("user_name", d.Origin.UserName), ("at", d.At), ("rollback_to", d.RollbackTo), ("skip", d.SkipChecks), ("promote_from", d.PromoteFrom), ("via", d.Via)).ConfigureAwait(false);
        if (d.Sealed is { } sealedValues)
            await NoteSql.SetAsync(db, SealedScope, id.ToString(System.Globalization.CultureInfo.InvariantCulture), sealedValues, d.At, cancellationToken).ConfigureAwait(false);
        if (d.TraceParent is { } parent)
            await NoteSql.SetAsync(db, TraceScope, id.ToString(System.Globalization.CultureInfo.InvariantCulture), parent, d.At, cancellationToken).ConfigureAwait(false);
        if (d.Waits || !d.TakesLock)
        {
            if (!d.Waits)
            {
                var free = await db.ScalarAsync<long>(InsertJob, cancellationToken, ("id", id), ("state", Name(state)), ("owner", d.RunBy), ("at", d.At)).ConfigureAwait(false);
                await EventSql.StateAsync(db, id, state, d.At, cancellationToken).ConfigureAwait(false);
                if (d.Approval is { } asked) await ApprovalSql.RequestAsync(db, id, asked, cancellationToken).ConfigureAwait(false);
                return (new Enqueued((await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!), free);
            }
            await db.ScalarAsync<long>(InsertJob, cancellationToken, ("id", id), ("state", Name(state)), ("owner", d.RunBy), ("at", d.At)).ConfigureAwait(false);
            await EventSql.StateAsync(db, id, state, d.At, cancellationToken).ConfigureAwait(false);
            return (new Enqueued((await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!), 0);
        }
        var locked = await db.ExecAsync(InsertDeployLock, cancellationToken, ("app", d.App), ("env", d.Env), ("holder", d.Origin.QualifiedUser),
            ("name", d.Origin.UserName), ("reason", $"{Name(d.Kind)} #{number}"), ("at", d.At), ("id", id)).ConfigureAwait(false);
        if (locked == 0) throw new LockTaken();
        var job = await db.ScalarAsync<long>(InsertJob, cancellationToken, ("id", id), ("state", Name(state)), ("owner", d.RunBy), ("at", d.At)).ConfigureAwait(false);
        if (d.Approval is { } rule) await ApprovalSql.RequestAsync(db, id, rule, cancellationToken).ConfigureAwait(false);
        await EventSql.StateAsync(db, id, state, d.At, cancellationToken).ConfigureAwait(false);
        return (new Enqueued((await DeploymentSql.GetAsync(db, id, cancellationToken).ConfigureAwait(false))!), job);
    }

    /// <summary>Takes the oldest queued job (or <paramref name="deploymentId"/>'s), passing over one another worker is claiming now.</summary>
    public static async Task<Job?> ClaimAsync(StoreSession db, string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object?)> { ("owner", owner), ("lease", now + lease) };
        if (deploymentId is { } wanted) parameters.Add(("deployment", wanted));
        var job = await db.FirstAsync(ClaimSql(db.Dialect, deploymentId is not null), StoreRows.Job, cancellationToken, [.. parameters]).ConfigureAwait(false);
        // A put-back job's deployment has ended already; only a deploy job starts its deployment.
        if (job?.DeploymentId is { } id && job.Kind == DeployJob)
        {
            await db.ExecAsync(Started, cancellationToken, ("id", id), ("at", now)).ConfigureAwait(false);
            await EventSql.StateAsync(db, id, DeploymentState.Running, now, cancellationToken).ConfigureAwait(false);
        }
        return job;
    }

    /// <summary>The claim: the oldest queued job (through the <c>jobs_queued</c> index), or one deployment's.</summary>
    internal static string ClaimSql(StoreDialect dialect, bool oneDeployment) => $"""
        UPDATE jobs SET state = 'running', owner = @owner, lease_until = @lease, attempts = attempts + 1
        WHERE id = (SELECT id FROM jobs WHERE state = 'queued' {(oneDeployment ? "AND deployment_id = @deployment" : "")} ORDER BY id LIMIT 1{dialect.SkipLocked})
        RETURNING {JobColumns}
        """;

    public static async Task<LeaseState> RenewAsync(StoreSession db, long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(Renew, (r, _) => r.GetBoolean(0), cancellationToken, ("id", jobId), ("owner", owner), ("until", until)).ConfigureAwait(false);
        return rows.Count == 0 ? LeaseState.Lost : rows[0] ? LeaseState.CancelRequested : LeaseState.Held;
    }

    /// <summary>
    /// Running jobs, and queued ones kept for the process that asked for them, each state through its partial index
    /// (<c>jobs_running</c>, <c>jobs_queued</c>), and a job's deployment by its key: the <c>OR</c> of the two states read
    /// the whole table at every sweep, and the platform's deployments were listed from all of history.
    /// </summary>
    internal static string RecoverSql(StoreDialect dialect) => $"""
        SELECT id, deployment_id, owner, lease_until, state, payload FROM jobs
        WHERE id IN (SELECT id FROM jobs WHERE state = 'running' UNION ALL SELECT id FROM jobs WHERE state = 'queued' AND owner IS NOT NULL)
          AND (CAST(@platform AS text) IS NULL OR EXISTS (SELECT 1 FROM deployments d WHERE d.id = jobs.deployment_id AND d.platform = @platform)){dialect.SkipLocked}
        """;

    /// <summary>See <see cref="IDeploymentStore.RecoverAsync"/>.</summary>
    public static async Task<IReadOnlyList<Deployment>> RecoverAsync(
        StoreSession db, DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken)
    {
        // Running jobs, and queued ones kept for the process that asked for them (which no other worker will run).
        // On PostgreSQL rows another process is claiming, renewing or recovering right now are skipped: it, or the next sweep, decides.
        var jobs = await db.QueryAsync(RecoverSql(db.Dialect),
            (r, d) => (Id: r.GetInt64(0), Deployment: OptLong(r, 1), Owner: Str(r, 2) ?? "", Lease: d.OptTime(r, 3) ?? DateTimeOffset.MinValue,
                Queued: r.GetString(4) == "queued", PutBack: Str(r, 5)),
            cancellationToken, ("platform", onlyPlatform)).ConfigureAwait(false);
        var interrupted = new List<Deployment>();
        foreach (var job in jobs.Where(j => ownerIsGone(j.Owner) || (!j.Queued && j.Lease < now)))
        {
            await db.ExecAsync(Interrupt, cancellationToken, ("id", job.Id), ("at", now)).ConfigureAwait(false);
            if (job.Deployment is not { } id) continue;
            var putBack = job.Queued ? null : PutBackOf(job.PutBack);
            interrupted.Add(await EndSql.EndAsync(db, id, DeploymentState.Interrupted, InterruptedMessage(job.Queued, putBack), null, null, now, cancellationToken).ConfigureAwait(false));
            if (putBack is null) continue;
            // Hand the lock straight to a put-back job, so no deploy starts before the previous release serves again.
            await db.ExecAsync(InsertPutBackJob, cancellationToken, ("kind", PutBackJob), ("id", id), ("payload", putBack), ("at", now)).ConfigureAwait(false);
            await db.ExecAsync($"INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id) {PutBackLock('@')}",
                cancellationToken, ("id", id), ("at", now)).ConfigureAwait(false);
        }
        return interrupted;
    }

    private const string InsertPutBackJob = "INSERT INTO jobs (kind, deployment_id, payload, state, created_at) VALUES (@kind, @id, @payload, 'queued', @at)";

    /// <summary>See <see cref="IDeploymentStore.MarkGoingLiveAsync"/>.</summary>
    public static Task<int> MarkGoingLiveAsync(StoreSession db, long deploymentId, string putBack, CancellationToken cancellationToken) =>
        db.ExecAsync("UPDATE jobs SET payload = @payload WHERE deployment_id = @id AND kind = @kind AND state = 'running'",
            cancellationToken, ("id", deploymentId), ("payload", putBack), ("kind", DeployJob));

    /// <summary>See <see cref="IDeploymentStore.FinishPutBackAsync"/>.</summary>
    public static async Task<Deployment> FinishPutBackAsync(StoreSession db, long deploymentId, string message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await db.ExecAsync("UPDATE jobs SET state = 'done', finished_at = @at WHERE deployment_id = @id AND kind = @kind AND state IN ('queued', 'running')",
            cancellationToken, ("id", deploymentId), ("kind", PutBackJob), ("at", at)).ConfigureAwait(false);
        await db.ExecAsync("UPDATE deployments SET message = @message WHERE id = @id", cancellationToken, ("id", deploymentId), ("message", message)).ConfigureAwait(false);
        await db.ExecAsync("DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = @id", cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
        return (await DeploymentSql.GetAsync(db, deploymentId, cancellationToken).ConfigureAwait(false))!;
    }
}
