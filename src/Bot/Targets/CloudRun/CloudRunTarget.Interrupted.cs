using System.Globalization;
using Bot.Configuration;

namespace Bot.Targets.CloudRun;

/// <summary>
/// After the bot died during a deploy: the revision that deployment made is found by its <c>deploybot-deployment</c>
/// label. If it has traffic (a canary share, or all of it), the traffic goes back to the revision that kept the rest, or
/// to the bot's ready revision before it: an interrupted deploy is not left live unwatched. A revision with no traffic is
/// only reported.
/// </summary>
public sealed partial class CloudRunTarget
{
    public async Task<string?> CleanUpAsync(AppEnvConfig app, int number, CancellationToken cancellationToken)
    {
        var s = CloudRunSettings.Read(app);
        try
        {
            var (service, _) = await run.GetServiceAsync(s.ServiceName, cancellationToken).ConfigureAwait(false);
            var revisions = await run.ListRevisionsAsync(s.ServiceName, 50, cancellationToken).ConfigureAwait(false);
            var label = number.ToString(CultureInfo.InvariantCulture);
            if (revisions.FirstOrDefault(r => r.Label(CloudRunNames.DeploymentLabel) == label) is not { } mine) return null;
            var shares = (service.TrafficStatuses ?? []).Where(t => t.Percent > 0).GroupBy(t => Resolve(t, service))
                .ToDictionary(g => g.Key ?? "", g => g.Sum(t => t.Percent ?? 0));
            var share = shares.GetValueOrDefault(mine.ShortName);
            if (share == 0) return $"Revision {mine.ShortName} was made, but it has no traffic: {Split(service)}.";
            var back = shares.Where(p => p.Key != mine.ShortName).OrderByDescending(p => p.Value).Select(p => p.Key).FirstOrDefault()
                ?? PickRollback(app, service, revisions, null).ShortName;
            var moved = await MoveTrafficAsync(s, [new RunTraffic(RunTraffic.ByRevision, back, 100), .. Tags(service)], cancellationToken).ConfigureAwait(false);
            Verify(moved, back, 100);
            return $"{mine.ShortName} had {share}% of the traffic when the bot stopped; it is all back on {back} (verified: {Split(moved)}).";
        }
        catch (GoogleApiException e) { throw Explain(e, app); }
    }
}
