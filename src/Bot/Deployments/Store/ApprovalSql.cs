using static Bot.Deployments.Store.StoreRows;
using static Bot.Deployments.StoreNames;

namespace Bot.Deployments.Store;

/// <summary>
/// The two-person rule as rows: a deployment's approval request (how many, until when) and one answer per person. The
/// last approval needed turns its waiting job into a queued one; a rejection or the time running out ends it.
/// </summary>
internal static class ApprovalSql
{
    private const string InsertRequest = "INSERT INTO approval_requests (deployment_id, needed, expires_at, approvers) VALUES (@id, @needed, @expires, @approvers)";

    private const string Request = "SELECT deployment_id, needed, expires_at, approvers FROM approval_requests WHERE deployment_id = @id";

    private const string Votes = "SELECT user_id, user_name, approved, reason, at FROM approvals WHERE deployment_id = @id ORDER BY at, user_id";

    private const string InsertVote = """
        INSERT INTO approvals (deployment_id, user_id, user_name, approved, reason, at) VALUES (@id, @user, @name, @approved, @reason, @at)
        ON CONFLICT (deployment_id, user_id) DO NOTHING
        """;

    // The job goes to any worker: the process that asked (a console `send`) may be long gone by now.
    private const string QueueJob = $"UPDATE jobs SET state = 'queued', owner = NULL WHERE deployment_id = @id AND state = '{AwaitingApproval}'";

    private const string QueueDeployment = $"UPDATE deployments SET state = 'queued' WHERE id = @id AND state = '{AwaitingApproval}'";

    public static Task<int> RequestAsync(StoreSession db, long deploymentId, ApprovalRule rule, CancellationToken cancellationToken) =>
        db.ExecAsync(InsertRequest, cancellationToken, ("id", deploymentId), ("needed", rule.Needed), ("expires", rule.ExpiresAt), ("approvers", rule.Approvers));

    public static async Task<ApprovalStatus?> StatusAsync(StoreSession db, long deploymentId, CancellationToken cancellationToken)
    {
        var request = await db.FirstAsync(Request, (r, d) => (Needed: r.GetInt32(1), Expires: d.Time(r, 2), Approvers: r.GetString(3)),
            cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
        if (request.Approvers is null) return null;
        var votes = await db.QueryAsync(Votes, (r, d) => new ApprovalVote(r.GetString(0), r.GetString(1), r.GetBoolean(2), Str(r, 3), d.Time(r, 4)),
            cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
        return new ApprovalStatus(deploymentId, request.Needed, request.Expires, request.Approvers, votes);
    }

    /// <summary>See <see cref="IDeploymentStore.VoteAsync"/>.</summary>
    public static async Task<ApprovalOutcome> VoteAsync(StoreSession db, long deploymentId, ApprovalVote vote, CancellationToken cancellationToken)
    {
        // On PostgreSQL the deployment's row is taken first, so answers arriving at two replicas at once are counted one after the other.
        var state = await db.ScalarAsync<string>($"SELECT state FROM deployments WHERE id = @id{db.Dialect.ForUpdate}", cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
        var status = await StatusAsync(db, deploymentId, cancellationToken).ConfigureAwait(false);
        if (state != AwaitingApproval || status is null)
            return new NotAwaiting(await DeploymentSql.GetAsync(db, deploymentId, cancellationToken).ConfigureAwait(false), status);
        if (status.Votes.FirstOrDefault(v => v.UserId == vote.UserId) is { } earlier)
            return new AlreadyVoted((await DeploymentSql.GetAsync(db, deploymentId, cancellationToken).ConfigureAwait(false))!, earlier);
        await db.ExecAsync(InsertVote, cancellationToken, ("id", deploymentId), ("user", vote.UserId), ("name", vote.UserName),
            ("approved", vote.Approved), ("reason", vote.Reason), ("at", vote.At)).ConfigureAwait(false);
        status = status with { Votes = [.. status.Votes, vote] };
        // An event for every answer: whichever replica follows the card redraws it with who acted.
        await EventSql.AppendAsync(db, deploymentId, LineKind.Notice, Describe(vote, status), vote.At, cancellationToken).ConfigureAwait(false);
        if (!vote.Approved)
        {
            var message = $"Rejected by {vote.UserName}" + (string.IsNullOrWhiteSpace(vote.Reason) ? "." : $": \"{vote.Reason}\"");
            return new VoteCounted(await EndSql.FinishAsync(db, deploymentId, DeploymentState.Rejected, message, null, null, vote.At, cancellationToken).ConfigureAwait(false), status);
        }
        if (status.IsMet)
        {
            await db.ExecAsync(QueueJob, cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
            await db.ExecAsync(QueueDeployment, cancellationToken, ("id", deploymentId)).ConfigureAwait(false);
            await EventSql.StateAsync(db, deploymentId, DeploymentState.Queued, vote.At, cancellationToken).ConfigureAwait(false);
        }
        return new VoteCounted((await DeploymentSql.GetAsync(db, deploymentId, cancellationToken).ConfigureAwait(false))!, status);
    }

    /// <summary>
    /// The deployments awaiting an approval whose request has expired: from the deployments not yet ended
    /// (<c>deployments_open</c>, whose condition is repeated so the planner may take it), each request by its key. Reading
    /// the requests by <c>expires_at &lt;= @now</c> first walked every request that ever expired, a share of all history.
    /// </summary>
    internal static string ExpireSql(StoreDialect dialect) => $"""
        SELECT id FROM deployments
        WHERE state IN {ActiveStates} AND state = '{AwaitingApproval}' AND (CAST(@platform AS text) IS NULL OR platform = @platform)
          AND EXISTS (SELECT 1 FROM approval_requests r WHERE r.deployment_id = deployments.id AND r.expires_at <= @now)
        ORDER BY id{dialect.SkipLocked}
        """;

    /// <summary>See <see cref="IDeploymentStore.ExpireApprovalsAsync"/>.</summary>
    public static async Task<IReadOnlyList<Deployment>> ExpireAsync(StoreSession db, DateTimeOffset now, string? onlyPlatform, CancellationToken cancellationToken)
    {
        // On PostgreSQL a deployment another process is answering or expiring right now is passed over: it decides.
        var due = await db.QueryAsync(ExpireSql(db.Dialect), (r, _) => r.GetInt64(0), cancellationToken, ("now", now), ("platform", onlyPlatform)).ConfigureAwait(false);
        var expired = new List<Deployment>();
        foreach (var id in due)
        {
            var status = await StatusAsync(db, id, cancellationToken).ConfigureAwait(false);
            var message = $"Nobody approved it in time ({status?.Approvals.Count ?? 0} of {status?.Needed ?? 1} approvals), so it did not run. Deploy again to ask again.";
            expired.Add(await EndSql.FinishAsync(db, id, DeploymentState.Expired, message, null, null, now, cancellationToken).ConfigureAwait(false));
        }
        return expired;
    }

    private static string Describe(ApprovalVote vote, ApprovalStatus status) => vote.Approved
        ? $"Approved by {vote.UserName} ({status.Approvals.Count} of {status.Needed})."
        : $"Rejected by {vote.UserName}" + (string.IsNullOrWhiteSpace(vote.Reason) ? "." : $": {vote.Reason}");
}
