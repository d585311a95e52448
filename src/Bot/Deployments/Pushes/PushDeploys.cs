using Bot.Configuration;
using Bot.Sources;
using Microsoft.Extensions.Logging;

namespace Bot.Deployments.Pushes;

/// <summary>
/// Turns pushes into deployments: each environment whose <c>AutoDeploy</c> branch moved gets a deployment of the new head
/// that waits (<see cref="DeploymentState.Waiting"/>) for the gate, with the app's channel as its conversation. It only
/// writes to the store, so the webhook that calls it answers at once. The same push seen twice (a redelivery, the webhook
/// and the poll, two processes) becomes one deployment: each (app, environment, commit) is recorded once.
/// </summary>
public sealed class PushDeploys(
    IDeploymentStore store, DeploymentFeed feed, AppCatalog apps, PeopleOptions people, GateSignal gate, TimeProvider time, ILogger<PushDeploys> logger) : IPushSink
{
    /// <summary>Where a pushed deploy's card goes when its environment names no channel: the console's conversation.</summary>
    public const string NoChannel = "console:console";

    public Task<bool> FirstDeliveryAsync(string source, string deliveryId, CancellationToken cancellationToken) =>
        store.TryRecordDeliveryAsync(source, deliveryId, time.GetUtcNow(), cancellationToken);

    public async Task PushedAsync(Push push, CancellationToken cancellationToken)
    {
        foreach (var env in Receivers(push))
        {
            var now = time.GetUtcNow();
            if (!await store.TryRecordDeliveryAsync("push", $"{env.App}:{env.Env}:{push.Sha}", now, cancellationToken).ConfigureAwait(false))
                continue;
            var subject = push.Commits.FirstOrDefault(c => c.Sha == push.Sha)?.Subject ?? push.Commits.LastOrDefault()?.Subject;
            var request = new NewDeployment(env.App, env.Env, DeploymentKind.Deploy, push.Branch, push.Sha, subject, OriginOf(env, push), null, false, now)
            {
                Waits = true,
                Via = push.Via,
            };
            if (await store.EnqueueAsync(request, cancellationToken).ConfigureAwait(false) is not Enqueued { Deployment: var d }) continue;
            logger.LogInformation("{App} {Env}: {Branch} moved to {Sha} ({Via}); deployment #{Number} waits for the gate", d.App, d.Env, push.Branch, d.ShortSha, push.Via, d.Number);
            feed.Publish(new FeedItem(d, StoryLine.StateOf(d, 0, now)));
            var forced = push.Forced ? " (a force push)" : "";
            var compare = push.CompareUrl is null ? "" : $" Compare: {push.CompareUrl}";
            var said = push.Via == "poll"
                ? $"{push.Branch} moved to {d.ShortSha}{forced}, seen by polling the repository; its newest commit is by {push.PusherName}.{compare}"
                : $"{d.Origin.UserName} pushed {d.ShortSha} to {push.Branch}{forced}.{compare}";
            var line = await store.AppendEventAsync(d.Id, LineKind.Notice, said, now, cancellationToken).ConfigureAwait(false);
            feed.Publish(new FeedItem(d, line));
        }
        gate.Pulse();
    }

    public Task ChecksChangedAsync(string repository, string sha, CancellationToken cancellationToken)
    {
        gate.ChecksChanged(sha);
        return store.AnnounceChecksAsync(sha, cancellationToken);
    }

    /// <summary>The environments that deploy <paramref name="push"/>'s branch from its repository.</summary>
    public IEnumerable<AppEnvConfig> Receivers(Push push) =>
        apps.All.SelectMany(a => a.ByEnv.Values).Where(env =>
            string.Equals(env.Push.AutoDeploy, push.Branch, StringComparison.Ordinal)
            && (string.Equals(env.Push.GitHubRepository(env.Repository), push.Repository, StringComparison.OrdinalIgnoreCase)
                || string.Equals(env.Repository, push.Repository, StringComparison.Ordinal)));

    /// <summary>The card goes to the environment's first channel (else its first alert channel); the pusher is who asked.</summary>
    private Origin OriginOf(AppEnvConfig env, Push push)
    {
        var channel = env.Channels.FirstOrDefault(c => c.IndexOf(':') > 0) ?? env.AlertChannels.FirstOrDefault() ?? NoChannel;
        var colon = channel.IndexOf(':');
        var user = push.Pusher ?? $"git:{push.PusherName}";
        var person = people.People.FirstOrDefault(p => p.Value.Contains(user, StringComparer.OrdinalIgnoreCase)).Key;
        return new Origin(channel[..colon], channel[(colon + 1)..], null, user, person ?? push.PusherName);
    }
}
