using Bot.Configuration;
using Bot.Deployments;
using Bot.Text;

namespace Bot.Commands;

/// <summary><c>approve #42</c> and <c>reject #42 [reason]</c>: who may answer is checked here, the answer is counted in the store.</summary>
public sealed partial class CommandHandler
{
    private async Task<CommandResult> ApprovalAsync(ApproveCommand c, Origin origin, CancellationToken ct)
    {
        var verb = c.Approve ? "approve" : "reject";
        var (d, refusal) = await FindAwaitedAsync(c, verb, ct).ConfigureAwait(false);
        if (d is null) return refusal!;
        if (apps.Find(d.App)?.ByEnv.GetValueOrDefault(d.Env) is not { } env)
            return CommandResult.Refuse($"{d.App} {d.Env} is no longer in my config, so nobody can {verb} #{d.Number}. Type `apps` to see what is.");
        if (access.CheckChannel(env, origin) is { } wrongPlace) return CommandResult.Refuse(wrongPlace);
        var status = await Store.ApprovalAsync(d.Id, ct).ConfigureAwait(false);
        if (d.State != DeploymentState.AwaitingApproval || status is null) return NotAwaiting(d, status);
        var now = time.GetUtcNow();
        if (status.ExpiresAt <= now)
            return CommandResult.Refuse($"The time to approve #{d.Number} of {d.App} ran out at {Format.Clock(status.ExpiresAt, now)}, so it will not run. " +
                $"To ask again, type `{Redeploy(d)}`.");
        if (!access.IsTrusted(origin) && !access.IsListed(env.Approvers, origin))
            return CommandResult.Refuse(env.Approvers.Count == 0
                ? $"Nobody can {verb} #{d.Number}: `{env.KeyOf("Approvers")}` is empty. Ask an admin to list approvers there, or type `cancel {d.App} #{d.Number}`."
                : $"Sorry, only the approvers of {d.App} in {d.Env} can {verb} a deploy ({status.Approvers}). Your id is `{origin.QualifiedUser}`; " +
                  $"an admin can add it to `{env.KeyOf("Approvers")}`." + (IsRequester(d, origin) ? $" To withdraw your own, type `cancel {d.App} #{d.Number}`." : ""));
        if (c.Approve && IsRequester(d, origin) && !env.Approval.AllowSelfApproval)
            return CommandResult.Refuse($"You asked for #{d.Number} yourself, and a deploy of {d.App} to {d.Env} needs someone else's approval " +
                $"(`{env.KeyOf("AllowSelfApproval")}` is false). Ask one of {status.Approvers} to type `approve {d.App} #{d.Number}`.");

        var vote = new ApprovalVote(VoterId(origin), origin.UserName, c.Approve, c.Reason, now);
        return await deployments.VoteAsync(d, vote, ct).ConfigureAwait(false) switch
        {
            VoteCounted { Deployment: var after, Status: var counted } => Counted(after, counted, c),
            AlreadyVoted { Earlier: var earlier } => CommandResult.Refuse(
                $"You already {(earlier.Approved ? "approved" : "rejected")} #{d.Number} of {d.App} at {Format.Clock(earlier.At, now)}; an answer counts once. " +
                $"Type `status {d.App}` to see where it stands."),
            NotAwaiting n => NotAwaiting(n.Deployment ?? d, n.Status),
            _ => throw new InvalidOperationException("an unknown approval outcome"),
        };
    }

    /// <summary>The deployment <c>#42</c> (of the app named, or the one waiting for approval with that number).</summary>
    private async Task<(Deployment?, CommandResult?)> FindAwaitedAsync(ApproveCommand c, string verb, CancellationToken ct)
    {
        if (c.App is { } name)
        {
            if (apps.Find(name) is not { } app) return (null, UnknownApp(name, c));
            return await Store.FindAsync(app.Name, c.Number, ct).ConfigureAwait(false) is { } found
                ? (found, null)
                : (null, CommandResult.Refuse($"{app.Name} has no #{c.Number}. Type `history {app.Name}` to see its deployments."));
        }
        var waiting = (await Store.ListAsync(null, null, 100, activeOnly: true, ct).ConfigureAwait(false))
            .Where(d => d.Number == c.Number && d.State == DeploymentState.AwaitingApproval).ToList();
        return waiting.Count switch
        {
            1 => (waiting[0], null),
            0 => (null, CommandResult.Refuse($"Nothing numbered #{c.Number} waits for approval. Type `status` to see what does, " +
                                             $"or name the app: `{verb} <app> #{c.Number}`.")),
            _ => (null, CommandResult.Refuse("More than one deployment with that number waits for approval; say which: " +
                    string.Join(", ", waiting.Select(d => $"`{verb} {d.App} #{d.Number}`")) + ".",
                    waiting.Take(4).Select(d => new ChatAction($"{verb} {d.App} #{d.Number}", $"{verb} {d.App} #{d.Number}")).ToArray())),
        };
    }

    private CommandResult Counted(Deployment d, ApprovalStatus status, ApproveCommand c)
    {
        var what = $"{d.Verb} #{d.Number} of {d.App} {d.RefLabel} to {d.Env}";
        if (!c.Approve)
            return CommandResult.Reply($"🛑 Rejected {what}" + (string.IsNullOrWhiteSpace(c.Reason) ? "" : $": \"{c.Reason}\"") +
                $". It will not run; {d.Origin.UserName} can ask again with `{Redeploy(d)}`.", Tone.Warning);
        if (d.State == DeploymentState.Queued)
            return CommandResult.Reply($"✅ Approved {what} ({status.ApprovedBy}). It is queued now.", Tone.Success,
                new ChatAction("Status", $"status {d.App}"));
        var left = status.Needed - status.Approvals.Count;
        return CommandResult.Reply($"👍 Approved {what}: {status.Approvals.Count} of {status.Needed}. It waits for {left} more " +
            $"(expires in {Format.Duration(status.ExpiresAt - time.GetUtcNow())}).", Tone.Success);
    }

    private CommandResult NotAwaiting(Deployment d, ApprovalStatus? status)
    {
        var by = status is { Approvals.Count: > 0 } ? $" (approved by {status.ApprovedBy})" : "";
        return CommandResult.Refuse(d.State switch
        {
            DeploymentState.Rejected or DeploymentState.Expired => $"#{d.Number} of {d.App} no longer waits for approval: {d.Message} To ask again, type `{Redeploy(d)}`.",
            _ when status is null => $"#{d.Number} of {d.App} did not need approval; it is {DeploymentCard.StateName(d)}. Type `status {d.App}` to see where it stands.",
            _ => $"#{d.Number} of {d.App} no longer waits for approval{by}; it is {DeploymentCard.StateName(d)}. Type `status {d.App}` to see where it stands.",
        });
    }

    /// <summary>The requester is the same person on any platform: one People entry covers their Slack, LINE and console ids.</summary>
    private bool IsRequester(Deployment d, Origin origin) =>
        d.Origin.QualifiedUser == origin.QualifiedUser
        || access.People.PersonOf(origin) is { } person && person == access.People.PersonOf(d.Origin);

    /// <summary>A person's answer counts once, whichever of their identities gives it.</summary>
    private string VoterId(Origin origin) => access.People.PersonOf(origin) is { } person ? "person:" + person : origin.QualifiedUser;

    private static string Redeploy(Deployment d) => $"deploy {d.App} {d.Ref ?? d.ShortSha} to {d.Env}".Replace("  ", " ", StringComparison.Ordinal);

    /// <summary>The rule a deploy to <paramref name="env"/> waits for, if it needs approvals (rollbacks never wait: they put back what was approved).</summary>
    private ApprovalRule? ApprovalFor(AppEnvConfig env) => env.Approval is { Required: true } a
        ? new ApprovalRule(a.MinApprovals, time.GetUtcNow() + a.Timeout, string.Join(", ", env.Approvers))
        : null;
}
