using Bot.Configuration;
using Bot.Sources;
using Bot.Targets;

namespace Bot.Deployments;

/// <summary>
/// Decides what <c>rollback</c> puts back: a named release or deployment, else the last successful release before
/// the live one, else the target's own previous release, else the live commit's parent.
/// </summary>
public sealed class RollbackPlanner(IDeploymentStore store, TargetRegistry targets, GitRepositories git)
{
    private const int Looked = 50;

    public async Task<RollbackPlan> PlanAsync(AppEnvConfig env, string? named, CancellationToken cancellationToken)
    {
        var succeeded = await store.SucceededAsync(env.App, env.Env, Looked, cancellationToken).ConfigureAwait(false);
        var live = succeeded.FirstOrDefault();
        var keepsReleases = targets.Get(env.Target) is IHasReleases;
        RollbackTo plan;
        if (named is not null)
        {
            Deployment? from;
            // A bare number names the target's own release where it keeps a list (Lambda version 7, Heroku v122); #7 is a deployment.
            if (named.TrimStart('#') is var digits && int.TryParse(digits, out var number) && (named.StartsWith('#') || digits.All(char.IsAsciiDigit) && !keepsReleases))
            {
                from = await store.FindAsync(env.App, number, cancellationToken).ConfigureAwait(false);
                if (from is null || from.Env != env.Env || from.State != DeploymentState.Succeeded || from.Release is null || !from.IsRelease)
                    return new NotARelease(number);
            }
            else
            {
                from = succeeded.FirstOrDefault(d => string.Equals(d.Release, named, StringComparison.OrdinalIgnoreCase));
                if (from is null && !keepsReleases) return new NoSuchRelease(named);
            }
            plan = new RollbackTo(from?.Release ?? named, from?.Ref, from?.Sha, from?.Subject, false);
        }
        else if (succeeded.Skip(1).FirstOrDefault(d => d.Release != live!.Release) is { } previous)
        {
            plan = new RollbackTo(previous.Release, previous.Ref, previous.Sha, previous.Subject, false);
        }
        else if (keepsReleases)
        {
            plan = new RollbackTo(null, null, null, null, false);
        }
        else if (live?.Sha is { } liveSha && env.Repository is not null
                 && await git.ParentAsync(env, liveSha, cancellationToken).ConfigureAwait(false) is { } parent)
        {
            plan = new RollbackTo(null, parent.Ref, parent.Sha, parent.Subject, true);
        }
        else
        {
            return new NothingEarlier(live);
        }
        return plan.Release is not null && live is not null && plan.Release == live.Release ? new AlreadyLive(plan.Release, live) : plan with { Live = live };
    }
}
