namespace Bot.Deployments;

/// <summary>
/// <see cref="AwaitingApproval"/> holds the app/env lock until enough approvals queue it; <see cref="Rejected"/> and
/// <see cref="Expired"/> end a deployment that waited and never ran.
/// </summary>
public enum DeploymentState { Queued, Running, Succeeded, Failed, Cancelled, Interrupted, AwaitingApproval, Rejected, Expired }

public enum DeploymentKind { Deploy, Rollback }

/// <summary>Where a request came from, and so where its progress goes.</summary>
public sealed record Origin(string Platform, string Conversation, string? Thread, string UserId, string UserName)
{
    /// <summary><c>slack:U123</c>: how users are named in config lists.</summary>
    public string QualifiedUser => $"{Platform}:{UserId}";
}

/// <summary>One deployment (or rollback) of an app to an environment, numbered per app (<c>#42</c>).</summary>
public sealed record Deployment(
    long Id,
    string App,
    string Env,
    int Number,
    DeploymentKind Kind,
    string? Ref,
    string? Sha,
    string? Subject,
    Origin Origin,
    DeploymentState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Release,
    string? Url,
    string? Message,
    string? RollbackTo,
    bool SkipChecks)
{
    public bool IsActive => State is DeploymentState.Queued or DeploymentState.Running or DeploymentState.AwaitingApproval;

    public bool IsFinished => !IsActive;

    public string ShortSha => Sha is { Length: > 7 } ? Sha[..7] : Sha ?? "";

    /// <summary><c>main@3f2a1c9</c> once resolved, else the ref as typed.</summary>
    public string RefLabel => (Ref, Sha) switch
    {
        // A rollback with nothing named lets the target pick (Heroku: the release before the live one).
        (null, null) => Kind == DeploymentKind.Rollback ? "the previous release" : "default branch",
        (null, _) => ShortSha,
        (_, null) => Ref,
        _ when Sha.StartsWith(Ref, StringComparison.OrdinalIgnoreCase) => ShortSha,
        _ => $"{Ref}@{ShortSha}",
    };

    public string Verb => Kind == DeploymentKind.Rollback ? "rollback" : "deploy";

    public TimeSpan Elapsed(DateTimeOffset now) => (FinishedAt ?? now) - (StartedAt ?? CreatedAt);
}

/// <param name="RunBy">The worker that will run it itself (the console's <c>send</c>); null lets any worker take it.</param>
/// <param name="Approval">Set when the environment needs approvals: the deployment waits for them before it is queued.</param>
public sealed record NewDeployment(
    string App,
    string Env,
    DeploymentKind Kind,
    string? Ref,
    string? Sha,
    string? Subject,
    Origin Origin,
    string? RollbackTo,
    bool SkipChecks,
    DateTimeOffset At,
    string? RunBy = null,
    ApprovalRule? Approval = null);

public enum EventKind { State, Step, Output, ErrorOutput, Notice, Warning }

/// <summary>One line of a deployment's story, persisted in order (<see cref="Seq"/> grows).</summary>
public sealed record DeploymentEvent(long DeploymentId, long Seq, DateTimeOffset At, EventKind Kind, string Text);

public enum LockKind { Deploy, Manual, Freeze }

/// <summary>Who holds an app/environment and why. A freeze is a lock on <c>*</c>/<c>*</c>.</summary>
public sealed record LockInfo(
    string App, string Env, LockKind Kind, string HolderId, string HolderName, string? Reason, DateTimeOffset Since, long? DeploymentId)
{
    public const string All = "*";
}

public abstract record EnqueueResult;

public sealed record Enqueued(Deployment Deployment) : EnqueueResult;

/// <summary>Refused: someone holds the app/environment (a running deployment, a lock, a freeze).</summary>
public sealed record Blocked(LockInfo Lock, Deployment? Holder) : EnqueueResult;

public sealed record Job(long Id, string Kind, long? DeploymentId, string? Payload, int Attempts);

public enum LeaseState { Held, CancelRequested, Lost }

public enum CancelOutcome { CancelledWhileQueued, Signalled, NotActive }

/// <summary>One command and what came of it. <see cref="Result"/> is the answer's first words; <see cref="Outcome"/> one of <see cref="AuditOutcome"/>.</summary>
public sealed record AuditEntry(
    DateTimeOffset At, string Platform, string Conversation, string UserId, string UserName, string Command, string? App, string Result)
{
    /// <summary>The <c>People</c> name of whoever sent it, when they are listed there.</summary>
    public string? Person { get; init; }

    public string? Outcome { get; init; }

    public string? Env { get; init; }

    /// <summary><c>slack:U123</c>.</summary>
    public string Identity => $"{Platform}:{UserId}";
}

/// <summary>How a command ended, as the audit log keeps it.</summary>
public static class AuditOutcome
{
    public const string Ok = "ok";
    public const string Refused = "refused";
    /// <summary>Refused by the per-person rate limit.</summary>
    public const string Limited = "limited";
    /// <summary>Failed on the bot's side.</summary>
    public const string Failed = "failed";
}
