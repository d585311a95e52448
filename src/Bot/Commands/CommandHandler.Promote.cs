using Bot.Configuration;
using Bot.Deployments;
using Bot.Deployments.Pushes;
using Bot.Sources;
using Bot.Targets;
using Bot.Text;

namespace Bot.Commands;

public sealed partial class CommandHandler
{
    /// <summary>
    /// <c>promote web staging to production</c>: first what would change (what serves in staging, the commits it brings
    /// over production's live release) with a Confirm button; <c>--yes</c> queues it. The target moves the very artifact
    /// where it can (<see cref="IPromotesArtifact"/>); elsewhere the same commit is built again, and the card says so.
    /// </summary>
    private async Task<CommandResult> PromoteAsync(PromoteCommand c, AppConfig app, AppEnvConfig to, Origin origin, CancellationToken ct)
    {
        if (access.CheckDeployer(to, origin, "promote to") is { } no) return CommandResult.Refuse(no);
        if (!app.HasEnv(c.FromEnv))
            return CommandResult.Refuse($"{app.Name} has no environment `{Tokens.Clip(c.FromEnv)}`. Its environments: {Quote(app.Environments)}.");
        var from = app.For(c.FromEnv);
        if (from.Env.Equals(to.Env, StringComparison.OrdinalIgnoreCase))
            return CommandResult.Refuse($"Promote from one environment to another: `promote {app.Name} {app.Environments.First(e => e != to.Env)} to {to.Env}`.");
        if (to.Push.PromoteFrom is { } only && !only.Equals(from.Env, StringComparison.OrdinalIgnoreCase))
            return CommandResult.Refuse($"{app.Name} {to.Env} takes promotions from {only} only. Type `promote {app.Name} {only} to {to.Env}`.");

        var fromLive = (await deployments.Store.SucceededAsync(app.Name, from.Env, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var toLive = (await deployments.Store.SucceededAsync(app.Name, to.Env, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        PromotableRelease? artifact = null;
        if (targets.Get(to.Target) is IPromotesArtifact promoter)
        {
            try { artifact = await promoter.LiveArtifactAsync(from, ct).ConfigureAwait(false); }
            catch (DeployFailedException e) { return CommandResult.Refuse($"{e.Message} {e.Hint}".TrimEnd()); }
            if (artifact is null && PromoteRefusals.NothingLive(from, to) is var none)
                return CommandResult.Refuse($"{none.Message} {none.Hint}");
        }
        else if (fromLive?.Sha is null && PromoteRefusals.NothingLive(from, to) is var none)
            return CommandResult.Refuse($"{none.Message} {none.Hint}");

        // A target may know only a short sha (a Lambda version's description): the source's release completes it.
        var sha = artifact?.Sha ?? fromLive?.Sha;
        var source = fromLive is not null && (sha is null || fromLive.Sha?.StartsWith(sha, StringComparison.OrdinalIgnoreCase) == true) ? fromLive : null;
        sha = source?.Sha ?? sha;
        var what = artifact?.Label ?? fromLive!.RefLabel;
        var yes = CommandText.Render(c with { Confirmed = true }, app.Name)!;
        if (!c.Confirmed)
        {
            var built = source is null ? "" : $" (#{source.Number} {source.RefLabel}" + (string.IsNullOrEmpty(source.Subject) ? ")" : $" \"{Tokens.Clip(source.Subject, 50)}\")");
            var brings = await BringsAsync(to, toLive, sha, ct).ConfigureAwait(false);
            var how = artifact is null ? $" {to.Target} builds that commit again." : " The same artifact, no build.";
            return new CommandResult([new ChatMessage(
                $"Promote {what}{built} from {from.Env} to {to.Env}? {brings}{how}", Tone.Info,
                [new ChatAction("Confirm", yes, $"Promote {what} of {app.Name} from {from.Env} to {to.Env}?"), new ChatAction("History", $"history {app.Name} in {to.Env}")])], true);
        }
        var request = new NewDeployment(app.Name, to.Env, DeploymentKind.Promote, source?.Ref, sha, source?.Subject, origin, artifact?.Id, false, time.GetUtcNow(),
            Approval: ApprovalFor(to)) { PromoteFrom = from.Env };
        return await EnqueueAsync(Gated(request, to), ct).ConfigureAwait(false);
    }

    /// <summary><c>3 commits since production's #38 (main@1a2b3c4): • 9f8e7d6 Fix login • …</c>, or what is known without a repository.</summary>
    private async Task<string> BringsAsync(AppEnvConfig to, Deployment? toLive, string? sha, CancellationToken ct)
    {
        var live = toLive is null ? $"nothing of {to.App} serves in {to.Env} yet" : $"{to.Env} runs #{toLive.Number} ({toLive.RefLabel})";
        if (sha is null || to.Repository is null || toLive is null) return $"Now {live}.";
        if (toLive.Sha == sha) return $"{to.Env} already runs this commit (#{toLive.Number}); promoting still moves the artifact.";
        try
        {
            var (count, newest) = await git.CommitsBetweenAsync(to, toLive.Sha, sha, 3, ct).ConfigureAwait(false);
            return CommitsBrought.Line(count, newest, $"since {to.Env}'s #{toLive.Number} ({toLive.RefLabel})", 50);
        }
        catch (SourceException)
        {
            return $"Now {live}.";
        }
    }
}
