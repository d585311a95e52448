using Bot.Deployments;
using Bot.Text;

namespace Bot.Commands;

/// <summary>
/// What a deployment looks like in chat at one moment: app, environment, ref and commit, who, state,
/// elapsed time, the last output lines, the link, and what to do next. Platforms lay it out.
/// </summary>
public sealed record DeploymentCard(Deployment Deployment, IReadOnlyList<string> RecentLines, DateTimeOffset Now)
{
    public const int RecentLineCount = 5;

    private Deployment D => Deployment;

    public string Emoji => D.State switch
    {
        DeploymentState.Queued => "🕒",
        DeploymentState.Running => "⏳",
        DeploymentState.Succeeded => "✅",
        DeploymentState.Failed => "❌",
        DeploymentState.Cancelled => "🚫",
        DeploymentState.AwaitingApproval => "⏸",
        DeploymentState.Rejected => "🛑",
        DeploymentState.Expired => "⌛",
        DeploymentState.Waiting => "🚦",
        DeploymentState.Superseded => "⏭",
        _ => "⚠️",
    };

    public string StateWord => D.State switch
    {
        DeploymentState.Queued => "queued",
        DeploymentState.Running => D.Kind switch
        {
            DeploymentKind.Rollback => "rolling back",
            DeploymentKind.Promote => "promoting",
            DeploymentKind.Config => "applying",
            DeploymentKind.Task => "running",
            _ => "deploying",
        },
        DeploymentState.Succeeded => D.Kind switch { DeploymentKind.Rollback => "rolled back", DeploymentKind.Task => "done", _ => "live" },
        DeploymentState.Failed => "failed",
        DeploymentState.Cancelled => "cancelled",
        DeploymentState.AwaitingApproval => "awaiting approval",
        DeploymentState.Rejected => "rejected",
        DeploymentState.Expired => "expired",
        DeploymentState.Waiting => "waiting",
        DeploymentState.Superseded => "superseded",
        _ => "interrupted",
    };

    /// <summary>The state as a sentence says it: <c>awaiting approval</c>, <c>running</c>, <c>failed</c>.</summary>
    public static string StateName(Deployment d) => d.State == DeploymentState.AwaitingApproval ? "awaiting approval" : DeploymentFeed.Name(d.State);

    /// <summary><c>Waiting for approval from slack:U1, @ops: 0 of 1, expires in 59m.</c></summary>
    public static string Waiting(ApprovalStatus a, DateTimeOffset now) =>
        $"Waiting for approval from {a.Approvers}: {a.Approvals.Count} of {a.Needed}" +
        (a.Approvals.Count > 0 ? $" (approved by {a.ApprovedBy})" : "") + $", expires in {Format.Duration(a.ExpiresAt > now ? a.ExpiresAt - now : TimeSpan.Zero)}.";

    /// <summary>The deployment's approval request and its answers, when it needed approval.</summary>
    public ApprovalStatus? Approval { get; init; }

    public Tone Tone => D.State switch
    {
        DeploymentState.Succeeded => Tone.Success,
        DeploymentState.Failed or DeploymentState.Interrupted => Tone.Error,
        DeploymentState.Cancelled or DeploymentState.Rejected or DeploymentState.Expired => Tone.Warning,
        _ => Tone.Info,
    };

    /// <summary><c>✅ web #42 → production: live</c></summary>
    public string Title => $"{Emoji} {D.App} #{D.Number} → {D.Env}: {StateWord}";

    /// <summary><c>main@3f2a1c9 "Fix login" · alice · 1m 12s</c></summary>
    public string Summary
    {
        get
        {
            var subject = string.IsNullOrEmpty(D.Subject) || D.Kind is DeploymentKind.Config or DeploymentKind.Task ? "" : $" \"{Clip(D.Subject, 60)}\"";
            var time = D.State switch
            {
                DeploymentState.Queued => $"queued {Format.Ago(D.CreatedAt, Now)}",
                DeploymentState.Waiting => $"waiting {Format.Duration(Now - D.CreatedAt)}",
                DeploymentState.AwaitingApproval => $"asked {Format.Ago(D.CreatedAt, Now)}",
                _ => Format.Duration(D.Elapsed(Now)),
            };
            // A long step shows which one it is and for how long, so a 19-second health check is not a frozen card.
            var step = D.State == DeploymentState.Running && OpenStep is { } open && open != "canary" && StepSince is { } since
                ? $" · {open} {Format.Duration(Now - since)}" : "";
            var approved = D.State != DeploymentState.AwaitingApproval && Approval is { Approvals.Count: > 0 } a ? $" · approved by {a.ApprovedBy}" : "";
            var who = D.Via is null ? D.Origin.UserName : $"{D.Origin.UserName} (push)";
            var skipped = D.SkipChecks ? " · checks skipped (deploy!)" : "";
            return $"{What}{subject} · {who}{approved}{skipped} · {time}{step}";
        }
    }

    /// <summary>What it puts live: <c>main@3f2a1c9</c>, <c>back to v41 (main@1a2b3c4)</c>, <c>main@3f2a1c9 from staging</c>.</summary>
    public string What => D.Kind switch
    {
        DeploymentKind.Rollback when D.RollbackTo is { } to => $"back to {to} ({D.RefLabel})",
        DeploymentKind.Promote => $"{D.RefLabel} from {D.PromoteFrom}",
        DeploymentKind.Config => $"config: {D.Subject}",
        DeploymentKind.Task => D.Sha is null ? $"task {D.Subject}" : $"task {D.Subject} on {D.RefLabel}",
        _ => D.RefLabel,
    };

    /// <summary>Why it ended the way it did (failures, cancels, interruptions).</summary>
    public string? Outcome => D.State is DeploymentState.Succeeded ? null : D.Message;

    /// <summary>The step begun and not yet finished, as its follower saw it; <c>canary</c> while a canary holds part of the traffic.</summary>
    public string? OpenStep { get; init; }

    /// <summary>The signed link to the deployment's whole log (<c>/d/&lt;app&gt;/&lt;n&gt;</c>); null without <c>BOT_PUBLIC_URL</c>.</summary>
    public string? LogUrl { get; init; }

    /// <summary>When <see cref="OpenStep"/> began.</summary>
    public DateTimeOffset? StepSince { get; init; }

    /// <summary>What the open step said last: "updating code (12s)", a canary's split and the time it has left.</summary>
    public string? StepNote { get; init; }

    /// <summary>The step's note while it is worth showing: as the deploy runs, and for a canary left in place.</summary>
    public string? LiveNote => D.State == DeploymentState.AwaitingApproval && Approval is { } a ? Waiting(a, Now)
        : D.IsActive || CanaryLive ? StepNote : null;

    /// <summary>
    /// A canary holds part of the traffic: while the deploy watches it (Lambda) or after it ended with the split in place
    /// (Cloud Run). Promote sends it everything; roll back stops a watched canary (cancel puts the old version back) or
    /// moves the traffic back after one that ended.
    /// </summary>
    public bool CanaryLive => OpenStep == "canary" && D.Kind == DeploymentKind.Deploy && D.State is DeploymentState.Running or DeploymentState.Succeeded;

    public IReadOnlyList<ChatAction> Actions => CanaryLive ? CanaryActions : D.Kind is DeploymentKind.Config or DeploymentKind.Task && !D.IsActive ? EndedActions : D.State switch
    {
        DeploymentState.Queued or DeploymentState.Running or DeploymentState.Waiting => [new("Cancel", $"cancel {D.App} #{D.Number}", $"Stop {D.Verb} #{D.Number} of {D.App}?")],
        DeploymentState.Superseded => [new("Status", $"status {D.App}"), new("History", $"history {D.App}{InEnv}")],
        // Each asks first: an approval tapped by accident while scrolling on a phone ships to production.
        DeploymentState.AwaitingApproval =>
        [
            new("Approve", $"approve {D.App} #{D.Number}", $"Approve {D.Verb} #{D.Number} of {D.App} ({D.RefLabel}) to {D.Env}? It starts once approved."),
            new("Reject", $"reject {D.App} #{D.Number}", $"Reject {D.Verb} #{D.Number} of {D.App} to {D.Env}? It will not run."),
            new("Cancel", $"cancel {D.App} #{D.Number}", $"Withdraw {D.Verb} #{D.Number} of {D.App}?"),
        ],
        DeploymentState.Rejected or DeploymentState.Expired =>
        [
            new("Ask again", $"deploy {D.App} {D.Ref ?? D.ShortSha} to {D.Env}"),
            new("History", $"history {D.App}{InEnv}"),
        ],
        DeploymentState.Succeeded =>
        [
            new("View logs", $"logs {D.App}{InEnv}"),
            new("Roll back", $"rollback {D.App}{InEnv}", $"Put the release before #{D.Number} of {D.App} back in {D.Env}?"),
        ],
        _ =>
        [
            new("View logs", $"logs {D.App}{InEnv}"),
            new("Try again", D.Kind switch
            {
                DeploymentKind.Rollback => $"rollback {D.App}{InEnv}",
                DeploymentKind.Promote => $"promote {D.App} {D.PromoteFrom} to {D.Env}",
                _ => $"deploy {D.App} {D.Ref ?? D.ShortSha} to {D.Env}",
            }),
            new("History", $"history {D.App}{InEnv}"),
        ],
    };

    private ChatAction[] CanaryActions =>
    [
        new("Promote now", $"promote {D.App} canary{InEnv}", $"Send all traffic of {D.App} in {D.Env} to #{D.Number} now?"),
        D.State == DeploymentState.Running
            ? new("Roll back", $"cancel {D.App} #{D.Number}", $"Stop the canary of #{D.Number} and put all traffic of {D.App} back on the release before it?")
            : new("Roll back", $"rollback {D.App}{InEnv}", $"Put all traffic of {D.App} in {D.Env} back on the release before #{D.Number}?"),
        new("View logs", $"logs {D.App}{InEnv}"),
    ];

    private string InEnv => $" in {D.Env}";

    /// <summary>A config change cannot be tried again from its card (its values are gone); a task can be run again.</summary>
    private ChatAction[] EndedActions => D.Kind == DeploymentKind.Config
        ? D.State == DeploymentState.Succeeded
            ? [new("Config", $"config {D.App}{InEnv}"), new("Roll back", $"rollback {D.App}{InEnv}", $"Put the release before #{D.Number} of {D.App} back in {D.Env}, with its config?")]
            : [new("Config", $"config {D.App}{InEnv}"), new("History", $"history {D.App}{InEnv}")]
        : [new("Run again", $"run {D.App} {D.Subject}{InEnv}", $"Run {D.Subject} on {D.App} {D.Env} again?"), new("History", $"history {D.App}{InEnv}")];

    private static string Clip(string s, int max) => Tokens.Clip(s, max);
}
