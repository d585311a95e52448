using Bot.Security;
using Bot.Text;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    private async Task<CommandResult> DeployAsync(DeployCommand c, AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(env, origin, "deploy") is { } no) return CommandResult.Refuse(no);
        // A value typed by mistake where the ref goes is neither deployed under that name nor said back.
        if (c.Ref is { } typed && Redactor.AssignedName(typed) is { } name)
            return CommandResult.Refuse($"`{name}=…` is not a branch, tag or commit. Type `deploy {env.App} <branch|tag|sha>`.");
        if (env.Push.PromoteFrom is { } source)
            return CommandResult.Refuse($"{env.App} {env.Env} takes promotions only: what runs in {source} goes there as it is. Type `promote {env.App} {source} to {env.Env}`.",
                [new ChatAction($"promote {env.App}", $"promote {env.App} {source} to {env.Env}")]);
        string? gitRef = c.Ref, sha = null, subject = null;
        if (env.Repository is not null)
        {
            // A deploy that waits for checks is pinned to the commit resolved now, so that one is read fresh.
            var pinned = env.Push.GatesOnChecks && !c.SkipChecks;
            var resolved = await git.ResolveAsync(env, c.Ref, pinned ? TimeSpan.Zero : IntakeFreshness, ct, staleOk: !pinned).ConfigureAwait(false);
            if (resolved.Commit is not { } commit)
            {
                var tips = resolved.Closest.Select(r => new ChatAction($"deploy {env.App} {r}", $"deploy {env.App} {r} to {env.Env}")).ToArray();
                var closest = resolved.Closest.Count == 0 ? "" : $" Closest: {Quote(resolved.Closest)}.";
                return CommandResult.Refuse($"{resolved.Error}{closest} Type `deploy {env.App} <branch|tag|sha>`.", tips);
            }
            (gitRef, sha, subject) = (commit.Ref, commit.Sha, commit.Subject);
        }
        // Only a gate skipped is noted on the card: `deploy!` where no checks are required is a plain deploy.
        var request = new NewDeployment(env.App, env.Env, DeploymentKind.Deploy, gitRef, sha, subject, origin, null, c.SkipChecks && env.Push.GatesOnChecks, time.GetUtcNow(),
            Approval: ApprovalFor(env));
        return await EnqueueAsync(Gated(request, env), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Where <c>RequireChecks</c> applies (and <c>deploy!</c> did not skip them), a deploy of a known commit waits for its
    /// checks without holding the lock; the gate then asks for approvals if the environment needs them.
    /// </summary>
    private static NewDeployment Gated(NewDeployment request, AppEnvConfig env) =>
        env.Push.GatesOnChecks && !request.SkipChecks && request.Sha is not null ? request with { Waits = true, Approval = null } : request;

    private async Task<CommandResult> RollbackAsync(RollbackCommand c, AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(env, origin, "roll back") is { } no) return CommandResult.Refuse(no);
        switch (await deployments.PlanRollbackAsync(env, c.Release, ct).ConfigureAwait(false))
        {
            case RollbackTo to:
                if (RollbackQuestion.SameCommitAsLive(c, env, to.Live, to.Release, to.Sha) is { } ask) return ask;
                var request = new NewDeployment(env.App, env.Env, DeploymentKind.Rollback, to.Ref, to.Sha, to.Subject, origin, to.Release, false, time.GetUtcNow());
                var result = await EnqueueAsync(request, ct).ConfigureAwait(false);
                var note = $"There is no earlier release of {env.App} in {env.Env}, so this goes back to the commit before the live one.";
                return !to.ToParentCommit || !result.Ok ? result : result with { Messages = [new ChatMessage(note), .. result.Messages] };
            case NotARelease n:
                return CommandResult.Refuse($"#{n.Number} is not a successful release of {env.App} in {env.Env}, so I can't put it back. Type `history {env.App}` to see the ones that are.");
            case NoSuchRelease r:
                return CommandResult.Refuse($"{env.App} has no release `{Tokens.Clip(r.Name)}` in {env.Env}. Type `history {env.App}` to see them, then `rollback {env.App} #<id>`.");
            case AlreadyLive a:
                return CommandResult.Refuse($"Release {a.Release} (#{a.Live.Number}) is already live in {env.Env}. Type `history {env.App}` to pick another.");
            case NothingEarlier { Live: var live }:
                return CommandResult.Refuse(live is null
                    ? $"Nothing to roll back: {env.App} has no release in {env.Env} yet. Deploy first: `deploy {env.App}`."
                    : $"Nothing to roll back to: #{live.Number} is the only release of {env.App} in {env.Env}. Deploy an older ref instead: `deploy {env.App} <tag|sha>`.");
            default:
                throw new InvalidOperationException("an unknown rollback plan");
        }
    }

    private async Task<CommandResult> EnqueueAsync(NewDeployment request, CancellationToken ct) =>
        Answer(await deployments.RequestAsync(request, ct).ConfigureAwait(false), request);

    /// <summary>What to say about <paramref name="result"/>: what was queued and what it waits for, or who holds the app/env.</summary>
    private CommandResult Answer(EnqueueResult result, NewDeployment request)
    {
        if (result is Enqueued { Deployment: var d })
        {
            var subject = string.IsNullOrEmpty(d.Subject) ? "" : $" \"{d.Subject}\"";
            var what = d.Kind switch
            {
                DeploymentKind.Rollback => $"rollback #{d.Number} of {d.App} in {d.Env} to " + (d.RollbackTo ?? d.RefLabel) + (d.RollbackTo is not null && d.Sha is not null ? $" ({d.RefLabel})" : "") + subject,
                DeploymentKind.Promote => $"promotion #{d.Number} of {d.App} {d.RefLabel}{subject} from {d.PromoteFrom} to {d.Env}",
                DeploymentKind.Config => $"config change #{d.Number} of {d.App} in {d.Env}: {d.Subject}",
                DeploymentKind.Task => $"task {d.Subject} (#{d.Number}) of {d.App} in {d.Env}" + (d.Sha is null ? "" : $" on {d.RefLabel}"),
                _ => $"deploy #{d.Number} of {d.App} {d.RefLabel}{subject} to {d.Env}",
            };
            if (d.State == DeploymentState.Waiting)
                return new CommandResult([new ChatMessage($"🚦 {char.ToUpperInvariant(what[0])}{what[1..]} waits for its checks ({ChecksNamed(d)}); its card says when it goes. " +
                    $"To skip them, type `deploy! {d.App} {d.ShortSha} to {d.Env}`.", Tone.Info, [new ChatAction("Cancel", $"cancel {d.App} #{d.Number}")])], true, d);
            if (request.Approval is { } rule)
                return new CommandResult([new ChatMessage($"⏸ {char.ToUpperInvariant(what[0])}{what[1..]} waits for approval: {rule.Needed} of {rule.Approvers} " +
                    $"must type `approve {d.App} #{d.Number}` within {Format.Duration(rule.ExpiresAt - request.At)}.", Tone.Info,
                    [new ChatAction("Cancel", $"cancel {d.App} #{d.Number}")])], true, d);
            return new CommandResult([new ChatMessage($"Queued {what}.", Tone.Info, [new ChatAction("Cancel", $"cancel {d.App} #{d.Number}")])], true, d);
        }
        return CommandResult.Refuse(BlockedText((Blocked)result, request), BlockedActions((Blocked)result, request));
    }

    private string ChecksNamed(Deployment d) => apps.Find(d.App)?.ByEnv.GetValueOrDefault(d.Env)?.Push is { } p
        ? p.AllChecks ? "every check GitHub reports" : string.Join(", ", p.RequiredChecks)
        : "its checks";

    private string BlockedText(Blocked blocked, NewDeployment wanted)
    {
        var now = time.GetUtcNow();
        var l = blocked.Lock;
        var since = $"since {Format.Clock(l.Since, now)} ({Format.Ago(l.Since, now)})";
        return (l.Kind, blocked.Holder) switch
        {
            (LockKind.Freeze, _) => $"Deploys are frozen by {l.HolderName} {since}" + Reason(l) + ". Type `unfreeze` when it is time to ship again.",
            (LockKind.Manual, _) => $"{wanted.App} {wanted.Env} is locked by {l.HolderName} {since}" + Reason(l) +
                                    $". Ask them, or type `unlock {wanted.App} {wanted.Env}` when it is safe.",
            (_, { } h) => $"{h.App} {h.Env} is busy: {h.Origin.UserName} is {h.Kind switch { DeploymentKind.Rollback => "rolling back", DeploymentKind.Config => "changing the config of", DeploymentKind.Task => "running a task on", _ => "deploying" }} " +
                          $"{h.RefLabel} (#{h.Number}, {DeploymentCard.StateName(h)}) {since}. Wait for it to finish, or type `cancel {h.App} #{h.Number}` to stop it.",
            _ => $"{wanted.App} {wanted.Env} is busy {since}. Type `status {wanted.App}` to see why.",
        };
    }

    private static ChatAction[] BlockedActions(Blocked blocked, NewDeployment wanted) => blocked switch
    {
        { Lock.Kind: LockKind.Deploy, Holder: { } h } => [new("Status", $"status {h.App}"), new("Cancel it", $"cancel {h.App} #{h.Number}", $"Stop #{h.Number} of {h.App}?")],
        _ => [new("Status", $"status {wanted.App}")],
    };

    private static string Reason(LockInfo l) => string.IsNullOrWhiteSpace(l.Reason) ? "" : $": \"{l.Reason}\"";
}
