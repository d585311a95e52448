using Npgsql;
using static Bot.Deployments.Postgres.PostgresRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    /// <summary>What holds an app/env against <paramref name="user"/>: a freeze, someone else's lock, or a deployment under way.</summary>
    private async Task<Blocked?> BlockerAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string app, string env, string user, CancellationToken cancellationToken)
    {
        var locks = await QueryAsync(c, tx, $"SELECT {LockColumns} FROM locks WHERE (app = @app AND env = @env) OR (app = '*' AND env = '*')",
            Lock, cancellationToken, P("app", app), P("env", env)).ConfigureAwait(false);
        if (locks.Count == 0) return null;
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Freeze) is { } freeze) return new Blocked(freeze, null);
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Manual && l.HolderId != user) is { } manual) return new Blocked(manual, null);
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Deploy) is { } running)
            return new Blocked(running, running.DeploymentId is { } holder ? await GetAsync(c, tx, holder, cancellationToken).ConfigureAwait(false) : null);
        return null;
    }

    public async Task<EnqueueResult> EnqueueAsync(NewDeployment d, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InTransactionAsync(async (c, tx) => await TryEnqueueAsync(c, tx, d, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (LockTaken) when (attempt < MaxAttempts)
            {
                // Another request for this app/env committed first: the next attempt reads its lock and answers Blocked.
            }
        }
    }

    private async Task<EnqueueResult> TryEnqueueAsync(NpgsqlConnection c, NpgsqlTransaction tx, NewDeployment d, CancellationToken cancellationToken)
    {
        // Shared with other enqueues, exclusive against LockAsync: a freeze or manual lock taken at this moment waits for
        // this transaction (and then finds its deploy lock), or is committed before the check below sees it.
        await ExecAsync(c, tx, $"SELECT pg_advisory_xact_lock_shared({LocksGate})", cancellationToken).ConfigureAwait(false);
        if (await BlockerAsync(c, tx, d.App, d.Env, d.Origin.QualifiedUser, cancellationToken).ConfigureAwait(false) is { } blocked)
            return blocked;

        // The counter row stays locked until commit, so requests for one app take their numbers one after another.
        var number = await ScalarAsync<int>(c, tx, """
            INSERT INTO app_numbers (app, last) VALUES (@app, 1)
            ON CONFLICT (app) DO UPDATE SET last = app_numbers.last + 1
            RETURNING last
            """, cancellationToken, P("app", d.App)).ConfigureAwait(false);
        var id = await ScalarAsync<long>(c, tx, """
            INSERT INTO deployments (app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, state, created_at, rollback_to, skip_checks)
            VALUES (@app, @env, @number, @kind, @ref, @sha, @subject, @platform, @conversation, @thread, @user_id, @user_name, 'queued', @at, @rollback_to, @skip)
            RETURNING id
            """, cancellationToken,
            P("app", d.App), P("env", d.Env), P("number", number), P("kind", Name(d.Kind)), P("ref", d.Ref), P("sha", d.Sha), P("subject", d.Subject),
            P("platform", d.Origin.Platform), P("conversation", d.Origin.Conversation), P("thread", d.Origin.Thread),
            P("user_id", d.Origin.UserId), P("user_name", d.Origin.UserName), At("at", d.At), P("rollback_to", d.RollbackTo), P("skip", d.SkipChecks)).ConfigureAwait(false);
        // The unique (app, env, kind) row is the lock: a request that committed meanwhile makes this insert a no-op.
        var locked = await ExecAsync(c, tx, """
            INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
            VALUES (@app, @env, 'deploy', @holder, @name, @reason, @at, @id)
            ON CONFLICT (app, env, kind) DO NOTHING
            """, cancellationToken, P("app", d.App), P("env", d.Env), P("holder", d.Origin.QualifiedUser), P("name", d.Origin.UserName),
            P("reason", $"{Name(d.Kind)} #{number}"), At("at", d.At), P("id", id)).ConfigureAwait(false);
        if (locked == 0) throw new LockTaken();
        var job = await ScalarAsync<long>(c, tx, "INSERT INTO jobs (kind, deployment_id, state, owner, created_at) VALUES ('deploy', @id, 'queued', @owner, @at) RETURNING id",
            cancellationToken, P("id", id), P("owner", d.RunBy), At("at", d.At)).ConfigureAwait(false);
        await StateEventAsync(c, tx, id, DeploymentState.Queued, d.At, cancellationToken).ConfigureAwait(false);
        // Delivered at commit, to every process listening (their workers wake and race to claim).
        await ExecAsync(c, tx, $"SELECT pg_notify('{JobsChannel}', @job)", cancellationToken, P("job", job.ToString(System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return new Enqueued((await GetAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>Thrown inside the enqueue transaction to roll it back when the app/env lock went to someone else.</summary>
    private sealed class LockTaken : Exception;

    public Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, tx) =>
        {
            // SKIP LOCKED: a job another worker is claiming right now is passed over rather than waited for.
            var filter = deploymentId is null ? "" : "AND deployment_id = @deployment";
            var parameters = new List<NpgsqlParameter> { P("owner", owner), At("lease", now + lease) };
            if (deploymentId is { } wanted) parameters.Add(P("deployment", wanted));
            var job = (await QueryAsync(c, tx, $"""
                UPDATE jobs SET state = 'running', owner = @owner, lease_until = @lease, attempts = attempts + 1
                WHERE id = (SELECT id FROM jobs WHERE state = 'queued' {filter} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, kind, deployment_id, payload, attempts
                """, PostgresRows.Job, cancellationToken, [.. parameters]).ConfigureAwait(false)).FirstOrDefault();
            // A put-back job's deployment has ended already; only a deploy job starts its deployment.
            if (job?.DeploymentId is { } id && job.Kind == DeployJob)
            {
                await ExecAsync(c, tx, "UPDATE deployments SET state = 'running', started_at = @at WHERE id = @id", cancellationToken, P("id", id), At("at", now)).ConfigureAwait(false);
                await StateEventAsync(c, tx, id, DeploymentState.Running, now, cancellationToken).ConfigureAwait(false);
            }
            return job;
        }, cancellationToken);

    public async Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(null, null, """
            UPDATE jobs SET lease_until = @until WHERE id = @id AND owner = @owner AND state = 'running'
            RETURNING cancel_requested
            """, r => r.GetBoolean(0), cancellationToken, P("id", jobId), P("owner", owner), At("until", until)).ConfigureAwait(false);
        return rows.Count == 0 ? LeaseState.Lost : rows[0] ? LeaseState.CancelRequested : LeaseState.Held;
    }

    public Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken) =>
        InTransactionAsync<IReadOnlyList<Deployment>>(async (c, tx) =>
        {
            // Running jobs, and queued ones kept for the process that asked for them. Rows another process is
            // claiming, renewing or recovering right now are skipped: it, or the next sweep, decides about them.
            var jobs = await QueryAsync(c, tx, """
                SELECT id, deployment_id, owner, lease_until, state, payload FROM jobs
                WHERE (state = 'running' OR (state = 'queued' AND owner IS NOT NULL))
                  AND (@platform::text IS NULL OR deployment_id IN (SELECT id FROM deployments WHERE platform = @platform))
                FOR UPDATE SKIP LOCKED
                """,
                r => (Id: r.GetInt64(0), Deployment: r.IsDBNull(1) ? (long?)null : r.GetInt64(1), Owner: r.IsDBNull(2) ? "" : r.GetString(2),
                    Lease: r.IsDBNull(3) ? DateTimeOffset.MinValue : r.GetFieldValue<DateTimeOffset>(3), Queued: r.GetString(4) == "queued",
                    PutBack: r.IsDBNull(5) ? null : r.GetString(5)),
                cancellationToken, P("platform", onlyPlatform)).ConfigureAwait(false);
            var interrupted = new List<Deployment>();
            foreach (var job in jobs.Where(j => ownerIsGone(j.Owner) || (!j.Queued && j.Lease < now)))
            {
                await ExecAsync(c, tx, "UPDATE jobs SET state = 'interrupted', finished_at = @at WHERE id = @id", cancellationToken, P("id", job.Id), At("at", now)).ConfigureAwait(false);
                if (job.Deployment is not { } id) continue;
                var putBack = job.Queued ? null : PutBackOf(job.PutBack);
                interrupted.Add(await EndAsync(c, tx, id, DeploymentState.Interrupted, InterruptedMessage(job.Queued, putBack), null, null, now, cancellationToken).ConfigureAwait(false));
                if (putBack is null) continue;
                // Hand the lock straight to a put-back job, so no deploy starts before the previous release serves again.
                await ExecAsync(c, tx, "INSERT INTO jobs (kind, deployment_id, payload, state, created_at) VALUES (@kind, @id, @payload, 'queued', @at)",
                    cancellationToken, P("kind", PutBackJob), P("id", id), P("payload", putBack), At("at", now)).ConfigureAwait(false);
                await ExecAsync(c, tx, $"INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id) {PutBackLock('@')}",
                    cancellationToken, P("id", id), At("at", now)).ConfigureAwait(false);
            }
            return interrupted;
        }, cancellationToken);

    public Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE jobs SET state = @state, finished_at = @at WHERE deployment_id = @id AND state IN ('queued', 'running')",
                cancellationToken, P("id", id), P("state", Name(state)), At("at", at)).ConfigureAwait(false);
            return await EndAsync(c, tx, id, state, message, release, url, at, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task MarkGoingLiveAsync(long deploymentId, string putBack, CancellationToken cancellationToken) =>
        await ExecAsync(null, null, "UPDATE jobs SET payload = @payload WHERE deployment_id = @id AND kind = @kind AND state = 'running'",
            cancellationToken, P("id", deploymentId), P("payload", putBack), P("kind", DeployJob)).ConfigureAwait(false);

    public Task<Deployment> FinishPutBackAsync(long deploymentId, string message, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE jobs SET state = 'done', finished_at = @at WHERE deployment_id = @id AND kind = @kind AND state IN ('queued', 'running')",
                cancellationToken, P("id", deploymentId), P("kind", PutBackJob), At("at", at)).ConfigureAwait(false);
            await ExecAsync(c, tx, "UPDATE deployments SET message = @message WHERE id = @id", cancellationToken, P("id", deploymentId), P("message", message)).ConfigureAwait(false);
            await ExecAsync(c, tx, "DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = @id", cancellationToken, P("id", deploymentId)).ConfigureAwait(false);
            return (await GetAsync(c, tx, deploymentId, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    public Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => InTransactionAsync(async (c, tx) =>
    {
        // FOR UPDATE: a claim of this job in flight finishes first, and then this sees it running.
        var state = await ScalarAsync<string>(c, tx, "SELECT state FROM jobs WHERE deployment_id = @id ORDER BY id DESC LIMIT 1 FOR UPDATE", cancellationToken, P("id", id)).ConfigureAwait(false);
        switch (state)
        {
            case "queued":
                await ExecAsync(c, tx, "UPDATE jobs SET state = 'cancelled', finished_at = @at WHERE deployment_id = @id AND state = 'queued'", cancellationToken, P("id", id), At("at", at)).ConfigureAwait(false);
                await EndAsync(c, tx, id, DeploymentState.Cancelled, "Cancelled before it started.", null, null, at, cancellationToken).ConfigureAwait(false);
                return CancelOutcome.CancelledWhileQueued;
            case "running":
                await ExecAsync(c, tx, "UPDATE jobs SET cancel_requested = true WHERE deployment_id = @id AND state = 'running'", cancellationToken, P("id", id)).ConfigureAwait(false);
                return CancelOutcome.Signalled;
            default:
                return CancelOutcome.NotActive;
        }
    }, cancellationToken);

    /// <summary>Final state for a deployment plus the release of its app/env lock; a finished deployment is left as it was.</summary>
    private async Task<Deployment> EndAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await ExecAsync(c, tx, """
            UPDATE deployments SET state = @state, message = @message, release = COALESCE(@release, release), url = COALESCE(@url, url), finished_at = @at
            WHERE id = @id AND state IN ('queued', 'running')
            """, cancellationToken, P("id", id), P("state", Name(state)), P("message", message), P("release", release), P("url", url), At("at", at)).ConfigureAwait(false);
        await ExecAsync(c, tx, "DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = @id", cancellationToken, P("id", id)).ConfigureAwait(false);
        if (changed > 0)
            await StateEventAsync(c, tx, id, state, at, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!;
    }

    private Task<int> StateEventAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, DeploymentState state, DateTimeOffset at, CancellationToken cancellationToken) =>
        // Announced like every event (delivered when the transaction commits), so followers elsewhere see the change at once.
        ExecAsync(c, tx, $"INSERT INTO deployment_events (deployment_id, at, kind, text) VALUES (@id, @at, 'state', @text); SELECT pg_notify('{EventsChannel}', @id::text)",
            cancellationToken, P("id", id), At("at", at), P("text", Name(state)));

    private async Task<Deployment?> GetAsync(NpgsqlConnection? c, NpgsqlTransaction? tx, long id, CancellationToken cancellationToken) =>
        (await QueryAsync(c, tx, $"SELECT {DeploymentColumns} FROM deployments WHERE id = @id", PostgresRows.Deployment, cancellationToken, P("id", id)).ConfigureAwait(false)).FirstOrDefault();
}
