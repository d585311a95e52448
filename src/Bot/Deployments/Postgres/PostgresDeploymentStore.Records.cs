using static Bot.Deployments.Postgres.PostgresRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Postgres;

public sealed partial class PostgresDeploymentStore
{
    public Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) =>
        InTransactionAsync(async (c, tx) =>
        {
            // Exclusive against every enqueue's shared hold: a freeze or manual lock and a deploy starting at the same
            // moment are ordered, so the deploy either sees the lock or holds its own before the lock is taken.
            await ExecAsync(c, tx, $"SELECT pg_advisory_xact_lock({LocksGate})", cancellationToken).ConfigureAwait(false);
            var added = await ExecAsync(c, tx, """
                INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
                VALUES (@app, @env, @kind, @holder, @name, @reason, @since, @deployment)
                ON CONFLICT (app, env, kind) DO NOTHING
                """, cancellationToken, P("app", wanted.App), P("env", wanted.Env), P("kind", Name(wanted.Kind)), P("holder", wanted.HolderId),
                P("name", wanted.HolderName), P("reason", wanted.Reason), At("since", wanted.Since), P("deployment", wanted.DeploymentId)).ConfigureAwait(false);
            if (added > 0) return null;
            return (await QueryAsync(c, tx, $"SELECT {LockColumns} FROM locks WHERE app = @app AND env = @env AND kind = @kind", Lock, cancellationToken,
                P("app", wanted.App), P("env", wanted.Env), P("kind", Name(wanted.Kind))).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    public async Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken) =>
        (await QueryAsync(null, null, $"DELETE FROM locks WHERE app = @app AND env = @env AND kind = @kind RETURNING {LockColumns}", Lock, cancellationToken,
            P("app", app), P("env", env), P("kind", Name(kind))).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken) =>
        // COLLATE "C": the same byte order SQLite gives, whatever the database's locale.
        await (app is null
            ? QueryAsync(null, null, $"""SELECT {LockColumns} FROM locks ORDER BY app COLLATE "C", env COLLATE "C", kind""", Lock, cancellationToken)
            : QueryAsync(null, null, $"""SELECT {LockColumns} FROM locks WHERE app IN (@app, '*') ORDER BY app COLLATE "C", env COLLATE "C", kind""", Lock, cancellationToken, P("app", app)))
            .ConfigureAwait(false);

    public Task AuditAsync(AuditEntry e, CancellationToken cancellationToken) => ExecAsync(null, null, """
        INSERT INTO audit (at, platform, conversation, user_id, user_name, command, app, result)
        VALUES (@at, @platform, @conversation, @user_id, @user_name, @command, @app, @result)
        """, cancellationToken, At("at", e.At), P("platform", e.Platform), P("conversation", e.Conversation), P("user_id", e.UserId),
        P("user_name", e.UserName), P("command", e.Command), P("app", e.App), P("result", e.Result));

    public async Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken) =>
        await (app is null
            ? QueryAsync(null, null, "SELECT at, platform, conversation, user_id, user_name, command, app, result FROM audit ORDER BY id DESC LIMIT @limit",
                Audit, cancellationToken, P("limit", limit))
            : QueryAsync(null, null, "SELECT at, platform, conversation, user_id, user_name, command, app, result FROM audit WHERE app = @app ORDER BY id DESC LIMIT @limit",
                Audit, cancellationToken, P("app", app), P("limit", limit)))
            .ConfigureAwait(false);

    public async Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var added = await ExecAsync(null, null, "INSERT INTO deliveries (source, id, at) VALUES (@source, @id, @at) ON CONFLICT (source, id) DO NOTHING",
            cancellationToken, P("source", source), P("id", deliveryId), At("at", at)).ConfigureAwait(false);
        // Platforms stop retrying within hours; a day of ids is plenty and keeps the table small.
        if (added > 0 && Random.Shared.Next(5000) == 0)
            await ExecAsync(null, null, "DELETE FROM deliveries WHERE at < @cutoff", cancellationToken, At("cutoff", at.AddDays(-1))).ConfigureAwait(false);
        return added > 0;
    }

    public Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) => ExecAsync(null, null, """
        INSERT INTO notes (scope, key, value, at) VALUES (@scope, @key, @value, @at)
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at
        """, cancellationToken, P("scope", scope), P("key", key), P("value", value), At("at", at));

    public async Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ScalarAsync<string>(null, null, """
            INSERT INTO notes (scope, key, value, at) VALUES (@scope, @key, @value, @at)
            ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at WHERE notes.value = @replacing
            RETURNING value
            """, cancellationToken, P("scope", scope), P("key", key), P("value", value), P("replacing", replacing), At("at", at)).ConfigureAwait(false)
        ?? await GetNoteAsync(scope, key, cancellationToken).ConfigureAwait(false) ?? value;

    public Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken) =>
        ScalarAsync<string>(null, null, "SELECT value FROM notes WHERE scope = @scope AND key = @key", cancellationToken, P("scope", scope), P("key", key));
}
