using System.Globalization;
using Bot.Configuration;
using Bot.Targets.Lambda;

namespace Bot.Targets.Ecs;

/// <summary><c>status</c>, <c>history</c> (the family's revisions), <c>scale</c> and <c>restart</c>.</summary>
public sealed partial class EcsTarget
{
    public async Task<IReadOnlyList<string>> DescribeAsync(AppEnvConfig app, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        try
        {
            var service = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture,
                    $"ECS {s.Service} (cluster {s.Cluster}): {service.RunningCount}/{service.DesiredCount} running, {service.PendingCount} pending"),
            };
            foreach (var d in service.Deployments ?? [])
            {
                var td = await ecs.DescribeTaskDefinitionAsync(s, d.TaskDefinition!, cancellationToken).ConfigureAwait(false);
                var image = TryContainer(s, td.TaskDefinition)?["image"] is { } i ? $" · image {i}" : "";
                lines.Add($"{d.Status} {Counts(d)}" + (d.RolloutStateReason is { Length: > 0 } why ? $" ({why.TrimEnd('.')})" : "") + image);
            }
            if (service.Events?.FirstOrDefault()?.Message is { } last) lines.Add($"Last event: {last}");
            return lines;
        }
        catch (AwsApiException e)
        {
            var why = Explain(e, app);
            return [$"ECS {s.Service}: could not ask for its state. {why.Message} {why.Hint}"];
        }
    }

    public async Task<IReadOnlyList<TargetRelease>> ListReleasesAsync(AppEnvConfig app, int count, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        try
        {
            var service = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var live = EcsNames.Revision(service.TaskDefinition);
            var family = live[..Math.Max(0, live.LastIndexOf(':'))];
            var arns = await ecs.ListRevisionsAsync(s, family, count, cancellationToken).ConfigureAwait(false);
            return arns.Select(a => EcsNames.Revision(a))
                .Select(r => new TargetRelease(r, r == live ? $"running ({service.Primary?.RolloutState})" : "", null, DateTimeOffset.MinValue, r == live, null)).ToList();
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }

    /// <summary><c>scale web web=3</c>: the service's desired count (the name before <c>=</c> is not read: a service has one count).</summary>
    public async Task<string> ScaleAsync(AppEnvConfig app, IReadOnlyDictionary<string, int> quantities, string? size, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        if (size is not null) throw new DeployFailedException("An ECS service has no sizes to choose; its task definition sets cpu and memory.", $"Type `scale {app.App} {s.Service}=<n>`.");
        var count = quantities.Values.First();
        try
        {
            var before = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var after = await ecs.UpdateServiceAsync(s, new UpdateServiceRequest(s.Cluster, s.Service, DesiredCount: count), cancellationToken).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture, $"{s.Service} now wants {after.DesiredCount} tasks (was {before.DesiredCount}). Type `status {app.App}` to see them start.");
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }

    /// <summary>A forced new deployment of the same revision, followed like a deploy until it is PRIMARY and COMPLETED.</summary>
    public async Task<string> RestartAsync(AppEnvConfig app, string? process, CancellationToken cancellationToken)
    {
        var s = EcsSettings.Read(app);
        var said = new List<string>();
        try
        {
            var service = await ecs.DescribeServiceAsync(s, cancellationToken).ConfigureAwait(false);
            var watch = new Rollout(service, s.Timeout, time);
            var updated = await ecs.UpdateServiceAsync(s, new UpdateServiceRequest(s.Cluster, s.Service, ForceNewDeployment: true), cancellationToken).ConfigureAwait(false);
            watch.Follow(updated, updated.TaskDefinition!);
            await foreach (var e in FollowAsync(s, app.App, watch, cancellationToken).ConfigureAwait(false))
                if (e is Notice n) said.Add(n.Text);
            return $"Restarted {s.Service}: {said.LastOrDefault()}";
        }
        catch (AwsApiException e) { throw Explain(e, app); }
    }
}
