using Bot.Text;
using Bot.Configuration;
using Bot.Deployments;
using Bot.Targets;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    private async Task<CommandResult> CancelAsync(AppConfig? app, int? number, Origin origin, CancellationToken ct)
    {
        var active = (await Store.ListAsync(app?.Name, null, 50, activeOnly: true, ct).ConfigureAwait(false))
            .Where(d => number is null || d.Number == number).ToList();
        if (active.Count == 0)
        {
            if (number is { } n && app is not null && await Store.FindAsync(app.Name, n, ct).ConfigureAwait(false) is { } ended)
                return CommandResult.Refuse($"#{n} of {app.Name} already ended: {ended.State.ToString().ToLowerInvariant()}. Type `status {app.Name}` to see what is live.");
            return CommandResult.Refuse(app is null
                ? $"Nothing numbered #{number} is queued or running. Type `status` to see what is."
                : $"Nothing is queued or running for {app.Name}. Type `status {app.Name}` to see what is live.");
        }
        if (active.Count > 1)
            return CommandResult.Refuse("More than one deployment matches; say which: " +
                string.Join(", ", active.Select(d => $"`cancel {d.App} #{d.Number}` ({d.Env})")) + ".",
                active.Take(4).Select(d => new ChatAction($"Cancel {d.App} #{d.Number}", $"cancel {d.App} #{d.Number}")).ToArray());

        var target = active[0];
        var env = apps.Find(target.App)?.ByEnv.GetValueOrDefault(target.Env);
        // A runner may stop the tasks they may start; everything else needs a deployer.
        var refused = env is null ? null : target.Kind == DeploymentKind.Task ? access.CheckRunner(env, origin) : access.CheckDeployer(env, origin, "cancel deployments of");
        if (refused is { } no) return CommandResult.Refuse(no);
        return await deployments.CancelAsync(target, ct).ConfigureAwait(false) switch
        {
            CancelOutcome.CancelledWhileQueued => CommandResult.Reply($"🚫 Cancelled {target.Verb} #{target.Number} of {target.App} before it started.", Tone.Warning),
            CancelOutcome.Signalled => Stopped(target, await deployments.EndedWithinAsync(target.Id, DeploymentService.CancelAnswerWait, ct).ConfigureAwait(false)),
            _ => CommandResult.Refuse($"#{target.Number} of {target.App} had already ended. Type `status {target.App}`."),
        };
    }

    /// <summary>What a cancel of a running deployment did, as far as it is known now: never "stopping" for one that had already ended.</summary>
    private static CommandResult Stopped(Deployment target, Deployment? ended)
    {
        var what = $"{target.Verb} #{target.Number} of {target.App}";
        return ended switch
        {
            null => CommandResult.Reply($"Stopping {what} ({target.RefLabel}); its card will say when it has stopped.", Tone.Warning),
            { State: DeploymentState.Cancelled } => CommandResult.Reply($"🚫 Stopped {what}. {ended.Message}".TrimEnd(), Tone.Warning),
            _ => CommandResult.Reply($"Too late to cancel: {what} had already ended ({new DeploymentCard(ended, [], ended.FinishedAt ?? ended.CreatedAt).StateWord}) when the cancel reached it. " +
                                     $"Type `status {target.App}` to see what is live.", Tone.Info),
        };
    }

    private async Task<CommandResult> LockAsync(AppEnvConfig env, LockCommand c, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(env, origin, "lock") is { } no) return CommandResult.Refuse(no);
        var reason = c.FirstWord is { } first && first.Equals(env.Env, StringComparison.OrdinalIgnoreCase) ? c.Rest : Join(c.FirstWord, c.Rest);
        var now = time.GetUtcNow();
        var held = await deployments.LockAsync(env.App, env.Env, origin, reason, ct).ConfigureAwait(false);
        if (held is null)
            return CommandResult.Reply($"🔒 Locked {env.App} {env.Env}{(reason is null ? "" : $": \"{reason}\"")}. Only you can deploy it until you type `unlock {env.App} {env.Env}`.",
                Tone.Success, new ChatAction("Unlock", $"unlock {env.App} {env.Env}"));
        if (held.HolderId == origin.QualifiedUser)
            return CommandResult.Reply($"You already hold the lock on {env.App} {env.Env} (since {Format.Clock(held.Since, now)}).", Tone.Info, new ChatAction("Unlock", $"unlock {env.App} {env.Env}"));
        return CommandResult.Refuse($"{env.App} {env.Env} is already locked by {held.HolderName} since {Format.Clock(held.Since, now)}{Reason(held)}. Ask them to `unlock {env.App} {env.Env}`.");
    }

    private async Task<CommandResult> UnlockAsync(AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(env, origin, "unlock") is { } no) return CommandResult.Refuse(no);
        var removed = await deployments.UnlockAsync(env.App, env.Env, ct).ConfigureAwait(false);
        if (removed is null)
            return CommandResult.Reply($"{env.App} {env.Env} was not locked. Type `deploy {env.App}` to deploy.", Tone.Info);
        var whose = removed.HolderId == origin.QualifiedUser ? "" : $" (it was {removed.HolderName}'s, since {Format.Clock(removed.Since, time.GetUtcNow())})";
        return CommandResult.Reply($"🔓 Unlocked {env.App} {env.Env}{whose}.", Tone.Success);
    }

    private async Task<CommandResult> FreezeAsync(FreezeCommand c, Origin origin, CancellationToken ct)
    {
        if (access.CheckAdmin(origin, "freeze deploys") is { } no) return CommandResult.Refuse(no);
        var now = time.GetUtcNow();
        var held = await deployments.FreezeAsync(origin, c.Reason, ct).ConfigureAwait(false);
        return held is null
            ? CommandResult.Reply($"🧊 Deploys are frozen{(c.Reason is null ? "" : $": \"{c.Reason}\"")}. Running ones finish; new ones wait for `unfreeze`.", Tone.Warning, new ChatAction("Unfreeze", "unfreeze"))
            : CommandResult.Reply($"Deploys are already frozen by {held.HolderName} since {Format.Clock(held.Since, now)}{Reason(held)}.", Tone.Info);
    }

    private async Task<CommandResult> UnfreezeAsync(Origin origin, CancellationToken ct)
    {
        if (access.CheckAdmin(origin, "unfreeze deploys") is { } no) return CommandResult.Refuse(no);
        var removed = await deployments.UnfreezeAsync(ct).ConfigureAwait(false);
        return CommandResult.Reply(removed is null ? "Deploys were not frozen." : "🌤 Deploys are open again.", removed is null ? Tone.Info : Tone.Success);
    }

    private async Task<CommandResult> TargetVerbAsync(Command command, AppEnvConfig env, Origin origin, CancellationToken ct)
    {
        var verb = command switch { ScaleCommand => "scale", RestartCommand => "restart", PromoteCanaryCommand => "promote", _ => "change maintenance mode of" };
        if (access.CheckDeployer(env, origin, verb) is { } no) return CommandResult.Refuse(no);
        var target = targets.Get(env.Target);
        var answer = (command, target) switch
        {
            (ScaleCommand s, ICanScale t) => await t.ScaleAsync(env, s.Quantities, s.Size, ct).ConfigureAwait(false),
            (RestartCommand r, ICanRestart t) => await t.RestartAsync(env, r.Process, ct).ConfigureAwait(false),
            (MaintenanceCommand m, ICanMaintain t) => await t.SetMaintenanceAsync(env, m.On, ct).ConfigureAwait(false),
            (PromoteCanaryCommand p, ICanPromote t) => await t.PromoteAsync(env, p.What, ct).ConfigureAwait(false),
            _ => null,
        };
        // `promote web` on a target without canaries or previews: between environments is the promote it can do.
        var instead = command is PromoteCanaryCommand && apps.Find(env.App) is { Environments.Count: > 1 } both
            ? $"To put what runs in one environment onto another, type `promote {env.App} {both.Environments[1]} to {both.DefaultEnv}`."
            : "Type `help` to see what it can do.";
        return answer is null
            ? CommandResult.Refuse($"{env.App} runs on the {env.Target} target, which can't {(command is PromoteCanaryCommand ? "promote a canary or a preview" : verb.Split(' ')[0])}. {instead}")
            : CommandResult.Reply(answer, Tone.Success, new ChatAction("Status", $"status {env.App}"));
    }

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => $"{a} {b}",
    };
}
