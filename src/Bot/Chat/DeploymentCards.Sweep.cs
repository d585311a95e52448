using System.Globalization;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

public sealed partial class DeploymentCards
{
    /// <summary>How long after a deployment ended its card may wait for its follower before any live process shows the end.</summary>
    public static readonly TimeSpan StaleEnd = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Takes over the cards whose follower is gone or let go and whose end has not been delivered: a deployment that ended
    /// in the moment its follower was killed still gets its final state, within a sweep of a live process noticing.
    /// Read-only console processes take over console cards only.
    /// </summary>
    /// <remarks>A claim is looked at while its card's end is undelivered: the deployments now running, and any whose end is stuck.</remarks>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    foreach (var (key, holder) in await store.NotesAsync(FollowerNote, Delivered, time.GetUtcNow() - TimeSpan.FromDays(1), 100, stoppingToken).ConfigureAwait(false))
                    {
                        if (!long.TryParse(key, CultureInfo.InvariantCulture, out var id) || _cards.ContainsKey(id)) continue;
                        if (await store.GetAsync(id, stoppingToken).ConfigureAwait(false) is not { } d || !_platforms.TryGetValue(d.Origin.Platform, out var platform)) continue;
                        // A follower on another host cannot be seen to die; one that has not delivered an end for minutes is taken as gone
                        // (a second delivery of the same final state edits the same message, and LINE drops a push with a used retry key).
                        var stale = d.FinishedAt is { } ended && time.GetUtcNow() - ended > StaleEnd;
                        if (holder.Length > 0 && holder != identity.Id && !stale && !identity.IsGone(holder)) continue;
                        if (options.RecoversOnlyFrom is { } only && d.Origin.Platform != only) continue;
                        if (holder != identity.Id && await store.ClaimNoteAsync(FollowerNote, key, identity.Id, holder, time.GetUtcNow(), stoppingToken).ConfigureAwait(false) != identity.Id) continue;
                        logger.LogInformation("Taking over the card of {App} #{Number} (its follower {Holder} is gone)", d.App, d.Number, holder.Length == 0 ? "let it go" : holder);
                        // Ended: its end is shown with its last lines (all of them came before it), not its story replayed.
                        if (d.IsFinished) Follow(id, platform, new FeedItem(d, StoryLine.StateOf(d, long.MaxValue, d.FinishedAt ?? time.GetUtcNow())));
                        else Follow(id, platform, null, (await store.TailAsync(id, 1, stoppingToken).ConfigureAwait(false)).LastOrDefault()?.Seq ?? 0);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Looking for cards nobody follows failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { /* stopping */ }
    }
}
