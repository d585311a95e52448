using static Bot.Deployments.Sqlite.SqliteRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Sqlite;

public sealed partial class SqliteDeploymentStore
{
    public Task<LockInfo?> LockAsync(LockInfo wanted, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        var existing = await LockRowAsync(c, tx, wanted.App, wanted.Env, wanted.Kind, cancellationToken).ConfigureAwait(false);
        if (existing is not null) return existing;
        await ExecAsync(c, tx, """
            INSERT INTO locks (app, env, kind, holder_id, holder_name, reason, since, deployment_id)
            VALUES ($app, $env, $kind, $holder, $name, $reason, $since, $deployment)
            """, cancellationToken, ("$app", wanted.App), ("$env", wanted.Env), ("$kind", Name(wanted.Kind)), ("$holder", wanted.HolderId),
            ("$name", wanted.HolderName), ("$reason", wanted.Reason), ("$since", Ms(wanted.Since)), ("$deployment", wanted.DeploymentId)).ConfigureAwait(false);
        return (LockInfo?)null;
    }, cancellationToken);

    public Task<LockInfo?> UnlockAsync(string app, string env, LockKind kind, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        var existing = await LockRowAsync(c, tx, app, env, kind, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
            await ExecAsync(c, tx, "DELETE FROM locks WHERE app = $app AND env = $env AND kind = $kind", cancellationToken,
                ("$app", app), ("$env", env), ("$kind", Name(kind))).ConfigureAwait(false);
        return existing;
    }, cancellationToken);

    public Task<IReadOnlyList<LockInfo>> LocksAsync(string? app, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<LockInfo>>(async c => await QueryAsync(c, null, app is null
                ? $"SELECT {LockColumns} FROM locks ORDER BY app, env, kind"
                : $"SELECT {LockColumns} FROM locks WHERE app IN ($app, '*') ORDER BY app, env, kind",
            Lock, cancellationToken, ("$app", app)).ConfigureAwait(false), cancellationToken);

    public Task AuditAsync(AuditEntry e, CancellationToken cancellationToken) => WriteAsync((c, tx) => ExecAsync(c, tx, """
        INSERT INTO audit (at, platform, conversation, user_id, user_name, command, app, result)
        VALUES ($at, $platform, $conversation, $user_id, $user_name, $command, $app, $result)
        """, cancellationToken, ("$at", Ms(e.At)), ("$platform", e.Platform), ("$conversation", e.Conversation), ("$user_id", e.UserId),
        ("$user_name", e.UserName), ("$command", e.Command), ("$app", e.App), ("$result", e.Result)), cancellationToken, singleStatement: true);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(string? app, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<AuditEntry>>(async c =>
        {
            var rows = await QueryAsync(c, null,
                "SELECT at, platform, conversation, user_id, user_name, command, app, result FROM audit " +
                (app is null ? "" : "WHERE app = $app ") + "ORDER BY id DESC LIMIT $limit", r => new AuditEntry(Time(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7)), cancellationToken, ("$app", app), ("$limit", limit)).ConfigureAwait(false);
            return rows;
        }, cancellationToken);

    public Task<bool> TryRecordDeliveryAsync(string source, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var added = await ExecAsync(c, tx, "INSERT OR IGNORE INTO deliveries (source, id, at) VALUES ($source, $id, $at)",
                cancellationToken, ("$source", source), ("$id", deliveryId), ("$at", Ms(at))).ConfigureAwait(false);
            // Platforms stop retrying within hours; a day of ids is plenty and keeps the table small.
            return added > 0;
        }, cancellationToken, singleStatement: true).ContinueWith(PruneNowAndThen, at, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();

    /// <summary>Platforms stop retrying within hours; a day of delivery ids is plenty and keeps the table small.</summary>
    private Task<bool> PruneNowAndThen(Task<bool> recorded, object? at)
    {
        if (recorded.IsCompletedSuccessfully && recorded.Result && Random.Shared.Next(5000) == 0)
            _ = WriteAsync((c, tx) => ExecAsync(c, tx, "DELETE FROM deliveries WHERE at < $cutoff", CancellationToken.None, ("$cutoff", Ms(((DateTimeOffset)at!).AddDays(-1)))),
                CancellationToken.None, singleStatement: true);
        return recorded;
    }

    public Task SetNoteAsync(string scope, string key, string value, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => ExecAsync(c, tx, """
            INSERT INTO notes (scope, key, value, at) VALUES ($scope, $key, $value, $at)
            ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at
            """, cancellationToken, ("$scope", scope), ("$key", key), ("$value", value), ("$at", Ms(at))), cancellationToken, singleStatement: true);

    public Task<string> ClaimNoteAsync(string scope, string key, string value, string? replacing, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var held = (string?)await ScalarAsync(c, tx, "SELECT value FROM notes WHERE scope = $scope AND key = $key", cancellationToken, ("$scope", scope), ("$key", key)).ConfigureAwait(false);
            if (held is not null && held != replacing) return held;
            await ExecAsync(c, tx, """
                INSERT INTO notes (scope, key, value, at) VALUES ($scope, $key, $value, $at)
                ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, at = excluded.at
                """, cancellationToken, ("$scope", scope), ("$key", key), ("$value", value), ("$at", Ms(at))).ConfigureAwait(false);
            return value;
        }, cancellationToken);

    public Task<string?> GetNoteAsync(string scope, string key, CancellationToken cancellationToken) =>
        ReadAsync(async c => (string?)await ScalarAsync(c, null, "SELECT value FROM notes WHERE scope = $scope AND key = $key",
            cancellationToken, ("$scope", scope), ("$key", key)).ConfigureAwait(false), cancellationToken);
}
