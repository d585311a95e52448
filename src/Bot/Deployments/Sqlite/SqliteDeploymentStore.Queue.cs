using Microsoft.Data.Sqlite;
using static Bot.Deployments.Sqlite.SqliteRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    private const string SelectLock = $"SELECT {LockColumns} FROM locks WHERE app = $app AND env = $env AND kind = $kind";

    /// <summary>What holds an app/env against <paramref name="user"/>: a freeze, someone else's lock, or a deployment under way.</summary>
    private static async Task<Blocked?> BlockerAsync(SqliteConnection c, SqliteTransaction? tx, string app, string env, string user, CancellationToken cancellationToken)
    {
        var locks = await QueryAsync(c, tx, $"SELECT {LockColumns} FROM locks WHERE (app = $app AND env = $env) OR (app = '*' AND env = '*')",
            Lock, cancellationToken, ("$app", app), ("$env", env)).ConfigureAwait(false);
        if (locks.Count == 0) return null;
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Freeze) is { } freeze) return new Blocked(freeze, null);
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Manual && l.HolderId != user) is { } manual) return new Blocked(manual, null);
        if (locks.FirstOrDefault(l => l.Kind == LockKind.Deploy) is { } running)
            return new Blocked(running, running.DeploymentId is { } holder ? await GetAsync(c, tx, holder, cancellationToken).ConfigureAwait(false) : null);
        return null;
    }

    public Task<EnqueueResult> EnqueueAsync(NewDeployment d, CancellationToken cancellationToken) => WriteAsync<EnqueueResult>(async (c, tx) =>
    {
        if (await BlockerAsync(c, tx, d.App, d.Env, d.Origin.QualifiedUser, cancellationToken).ConfigureAwait(false) is { } blocked)
            return blocked;

        var number = Convert.ToInt32(await ScalarAsync(c, tx, "SELECT COALESCE(MAX(number), 0) + 1 FROM deployments WHERE app = $app", cancellationToken, ("$app", d.App)).ConfigureAwait(false));
        var id = (long)(await ScalarAsync(c, tx, """
            INSERT INTO deployments (app, env, number, kind, ref, sha, subject, platform, conversation, thread, user_id, user_name, state, created_at, rollback_to, skip_checks)
            VALUES ($app, $env, $number, $kind, $ref, $sha, $subject, $platform, $conversation, $thread, $user_id, $user_name, 'queued', $at, $rollback_to, $skip)
            RETURNING id
            """, cancellationToken,
            ("$app", d.App), ("$env", d.Env), ("$number", number), ("$kind", Name(d.Kind)), ("$ref", d.Ref), ("$sha", d.Sha), ("$subject", d.Subject),
            ("$platform", d.Origin.Platform), ("$conversation", d.Origin.Conversation), ("$thread", d.Origin.Thread),
            ("$user_id", d.Origin.UserId), ("$user_name", d.Origin.UserName), ("$at", Ms(d.At)), ("$rollback_to", d.RollbackTo), ("$skip", d.SkipChecks ? 1 : 0)).ConfigureAwait(false))!;
        await ExecAsync(c, tx, "INSERT INTO jobs (kind, deployment_id, state, owner, created_at) VALUES ('deploy', $id, 'queued', $owner, $at)",
            cancellationToken, ("$id", id), ("$owner", d.RunBy), ("$at", Ms(d.At))).ConfigureAwait(false);
        await ExecAsync(c, tx, """
            INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
            VALUES ($app, $env, 'deploy', $holder, $name, $reason, $at, $id)
            """, cancellationToken, ("$app", d.App), ("$env", d.Env), ("$holder", d.Origin.QualifiedUser), ("$name", d.Origin.UserName),
            ("$reason", $"{Name(d.Kind)} #{number}"), ("$at", Ms(d.At)), ("$id", id)).ConfigureAwait(false);
        await StateEventAsync(c, tx, id, DeploymentState.Queued, d.At, cancellationToken).ConfigureAwait(false);
        return new Enqueued((await GetAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!);
    }, cancellationToken);

    public Task<Job?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, long? deploymentId, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        var filter = deploymentId is null ? "" : "AND deployment_id = $deployment";
        var jobs = await QueryAsync(c, tx, $"""
            UPDATE jobs SET state = 'running', owner = $owner, lease_until = $lease, attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE state = 'queued' {filter} ORDER BY id LIMIT 1)
            RETURNING id, kind, deployment_id, payload, attempts
            """, r => new Job(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4)),
            cancellationToken, ("$owner", owner), ("$lease", Ms(now + lease)), ("$deployment", deploymentId)).ConfigureAwait(false);
        var job = jobs.FirstOrDefault();
        // A put-back job's deployment has ended already; only a deploy job starts its deployment.
        if (job?.DeploymentId is { } id && job.Kind == DeployJob)
        {
            await ExecAsync(c, tx, "UPDATE deployments SET state = 'running', started_at = $at WHERE id = $id", cancellationToken, ("$id", id), ("$at", Ms(now))).ConfigureAwait(false);
            await StateEventAsync(c, tx, id, DeploymentState.Running, now, cancellationToken).ConfigureAwait(false);
        }
        return job;
    }, cancellationToken);

    public Task<LeaseState> RenewAsync(long jobId, string owner, DateTimeOffset until, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        var rows = await QueryAsync(c, tx, """
            UPDATE jobs SET lease_until = $until WHERE id = $id AND owner = $owner AND state = 'running'
            RETURNING cancel_requested
            """, r => r.GetInt64(0) != 0, cancellationToken, ("$id", jobId), ("$owner", owner), ("$until", Ms(until))).ConfigureAwait(false);
        return rows.Count == 0 ? LeaseState.Lost : rows[0] ? LeaseState.CancelRequested : LeaseState.Held;
    }, cancellationToken);

    public Task<IReadOnlyList<Deployment>> RecoverAsync(DateTimeOffset now, Func<string, bool> ownerIsGone, string? onlyPlatform, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<Deployment>>(async (c, tx) =>
        {
            // Running jobs, and queued ones kept for the process that asked for them (which no other worker will run).
            var jobs = await QueryAsync(c, tx, """
                SELECT id, deployment_id, owner, lease_until, state, payload FROM jobs
                WHERE (state = 'running' OR (state = 'queued' AND owner IS NOT NULL))
                  AND ($platform IS NULL OR deployment_id IN (SELECT id FROM deployments WHERE platform = $platform))
                """,
                r => (Id: r.GetInt64(0), Deployment: r.IsDBNull(1) ? (long?)null : r.GetInt64(1), Owner: r.IsDBNull(2) ? "" : r.GetString(2), Lease: r.IsDBNull(3) ? 0 : r.GetInt64(3),
                    Queued: r.GetString(4) == "queued", PutBack: r.IsDBNull(5) ? null : r.GetString(5)),
                cancellationToken, ("$platform", onlyPlatform)).ConfigureAwait(false);
            var interrupted = new List<Deployment>();
            foreach (var job in jobs.Where(j => ownerIsGone(j.Owner) || (!j.Queued && j.Lease < Ms(now))))
            {
                await ExecAsync(c, tx, "UPDATE jobs SET state = 'interrupted', finished_at = $at WHERE id = $id", cancellationToken, ("$id", job.Id), ("$at", Ms(now))).ConfigureAwait(false);
                if (job.Deployment is not { } id) continue;
                var putBack = job.Queued ? null : PutBackOf(job.PutBack);
                interrupted.Add(await EndAsync(c, tx, id, DeploymentState.Interrupted, InterruptedMessage(job.Queued, putBack), null, null, now, cancellationToken).ConfigureAwait(false));
                if (putBack is null) continue;
                // Hand the lock straight to a put-back job, so no deploy starts before the previous release serves again.
                await ExecAsync(c, tx, "INSERT INTO jobs (kind, deployment_id, payload, state, created_at) VALUES ($kind, $id, $payload, 'queued', $at)",
                    cancellationToken, ("$kind", PutBackJob), ("$id", id), ("$payload", putBack), ("$at", Ms(now))).ConfigureAwait(false);
                await ExecAsync(c, tx, $"INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id) {PutBackLock('$')}",
                    cancellationToken, ("$id", id), ("$at", Ms(now))).ConfigureAwait(false);
            }
            return interrupted;
        }, cancellationToken);

    public Task<Deployment> FinishAsync(long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "UPDATE jobs SET state = $state, finished_at = $at WHERE deployment_id = $id AND state IN ('queued', 'running')",
                cancellationToken, ("$id", id), ("$state", Name(state)), ("$at", Ms(at))).ConfigureAwait(false);
            return await EndAsync(c, tx, id, state, message, release, url, at, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task MarkGoingLiveAsync(long deploymentId, string putBack, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
        await ExecAsync(c, tx, "UPDATE jobs SET payload = $payload WHERE deployment_id = $id AND kind = $kind AND state = 'running'",
            cancellationToken, ("$id", deploymentId), ("$payload", putBack), ("$kind", DeployJob)).ConfigureAwait(false), cancellationToken, singleStatement: true);

    public Task<Deployment> FinishPutBackAsync(long deploymentId, string message, DateTimeOffset at, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        await ExecAsync(c, tx, "UPDATE jobs SET state = 'done', finished_at = $at WHERE deployment_id = $id AND kind = $kind AND state IN ('queued', 'running')",
            cancellationToken, ("$id", deploymentId), ("$kind", PutBackJob), ("$at", Ms(at))).ConfigureAwait(false);
        await ExecAsync(c, tx, "UPDATE deployments SET message = $message WHERE id = $id", cancellationToken, ("$id", deploymentId), ("$message", message)).ConfigureAwait(false);
        await ExecAsync(c, tx, "DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = $id", cancellationToken, ("$id", deploymentId)).ConfigureAwait(false);
        return (await GetAsync(c, tx, deploymentId, cancellationToken).ConfigureAwait(false))!;
    }, cancellationToken);

    public Task<CancelOutcome> RequestCancelAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        var state = (string?)await ScalarAsync(c, tx, "SELECT state FROM jobs WHERE deployment_id = $id ORDER BY id DESC LIMIT 1", cancellationToken, ("$id", id)).ConfigureAwait(false);
        switch (state)
        {
            case "queued":
                await ExecAsync(c, tx, "UPDATE jobs SET state = 'cancelled', finished_at = $at WHERE deployment_id = $id AND state = 'queued'", cancellationToken, ("$id", id), ("$at", Ms(at))).ConfigureAwait(false);
                await EndAsync(c, tx, id, DeploymentState.Cancelled, "Cancelled before it started.", null, null, at, cancellationToken).ConfigureAwait(false);
                return CancelOutcome.CancelledWhileQueued;
            case "running":
                await ExecAsync(c, tx, "UPDATE jobs SET cancel_requested = 1 WHERE deployment_id = $id AND state = 'running'", cancellationToken, ("$id", id)).ConfigureAwait(false);
                return CancelOutcome.Signalled;
            default:
                return CancelOutcome.NotActive;
        }
    }, cancellationToken);

    /// <summary>Final state for a deployment plus the release of its app/env lock; a finished deployment is left as it was.</summary>
    private async Task<Deployment> EndAsync(SqliteConnection c, SqliteTransaction tx, long id, DeploymentState state, string? message, string? release, string? url, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await ExecAsync(c, tx, """
            UPDATE deployments SET state = $state, message = $message, release = COALESCE($release, release), url = COALESCE($url, url), finished_at = $at
            WHERE id = $id AND state IN ('queued', 'running')
            """, cancellationToken, ("$id", id), ("$state", Name(state)), ("$message", message), ("$release", release), ("$url", url), ("$at", Ms(at))).ConfigureAwait(false);
        await ExecAsync(c, tx, "DELETE FROM locks WHERE kind = 'deploy' AND deployment_id = $id", cancellationToken, ("$id", id)).ConfigureAwait(false);
        if (changed > 0)
            await StateEventAsync(c, tx, id, state, at, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(c, tx, id, cancellationToken).ConfigureAwait(false))!;
    }

    private static Task<int> StateEventAsync(SqliteConnection c, SqliteTransaction tx, long id, DeploymentState state, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecAsync(c, tx, "INSERT INTO deployment_events (deployment_id, at, kind, text) VALUES ($id, $at, 'state', $text)",
            cancellationToken, ("$id", id), ("$at", Ms(at)), ("$text", Name(state)));

    private static async Task<LockInfo?> LockRowAsync(SqliteConnection c, SqliteTransaction? tx, string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        (await QueryAsync(c, tx, SelectLock, Lock, cancellationToken, ("$app", app), ("$env", env), ("$kind", Name(kind))).ConfigureAwait(false)).FirstOrDefault();

    private static async Task<Deployment?> GetAsync(SqliteConnection c, SqliteTransaction? tx, long id, CancellationToken cancellationToken) =>
        (await QueryAsync(c, tx, $"SELECT {DeploymentColumns} FROM deployments WHERE id = $id", SqliteRows.Deployment, cancellationToken, ("$id", id)).ConfigureAwait(false)).FirstOrDefault();
}
