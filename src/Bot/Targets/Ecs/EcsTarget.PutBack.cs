using System.Globalization;
using System.Runtime.CompilerServices;
using Bot.Configuration;
using Bot.Targets.Lambda;

namespace Bot.Targets.Ecs;

/// <summary>
/// Putting the revision that served before back (cancel, time limit, shutdown, a failed rollout): the service is updated to
/// it, or, when ECS is already rolling back to it, that is followed; done when it is PRIMARY and COMPLETED again.
/// </summary>
public sealed partial class EcsTarget
{
    public IAsyncEnumerable<DeployEvent> PutBackAsync(AppEnvConfig app, string release, CancellationToken cancellationToken) =>
        PutBackCoreAsync(app, release, cancellationToken).ExplainedBy((AwsApiException e) => Explain(e, app), cancellationToken);

    private async IAsyncEnumerable<DeployEvent> PutBackCoreAsync(AppEnvConfig app, string release, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = EcsSettings.Read(app);
        var service = await ecs.DescribeServiceAsync(s, ct).ConfigureAwait(false);
        var primary = service.Primary;
        var watch = new Rollout(service, s.Timeout, time);
        if (EcsNames.Revision(primary?.TaskDefinition) == release)
        {
            if (primary!.RolloutState == "COMPLETED" && service.Deployments?.Count == 1)
            {
                yield return new Notice($"{s.Service} still runs {release}; it never changed.");
                yield return PutBackEnded.NothingToUndo;
                yield break;
            }
            yield return new Notice($"ECS is already going back to {release}; waiting until it is PRIMARY and COMPLETED.");
            watch.Follow(service, release);
        }
        else
        {
            yield return new Notice($"Updating {s.Service} from {EcsNames.Revision(primary?.TaskDefinition)} back to {release}.");
            var updated = await ecs.UpdateServiceAsync(s, new UpdateServiceRequest(s.Cluster, s.Service, TaskDefinition: release), ct).ConfigureAwait(false);
            watch.Follow(updated, release);
        }
        await foreach (var e in FollowAsync(s, app.App, watch, ct).ConfigureAwait(false))
            yield return e;
        yield return PutBackEnded.Restored(healthChecked: true);
    }

    /// <summary>
    /// After the bot died mid-deploy: says which revision that deployment registered and whether the service runs it.
    /// The put-back the engine queues (from the revision it recorded before the update) then updates the service.
    /// </summary>
    public async Task<string?> CleanUpAsync(AppEnvConfig app, int number, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        try
        {
            var service = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var wanted = number.ToString(CultureInfo.InvariantCulture);
            foreach (var d in service.Deployments ?? [])
            {
                var td = await ecs.DescribeTaskDefinitionAsync(s, d.TaskDefinition!, cancellationToken).ConfigureAwait(false);
                if ((td.Tags ?? []).Any(t => t.Key == EcsNames.DeploymentTag && t.Value == wanted))
                    return $"{s.Service} was rolling out {EcsNames.Revision(d.TaskDefinition)} ({d.Status}, rollout {d.RolloutState}) when the bot stopped.";
            }
            return null;
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }
}
