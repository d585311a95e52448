using System.Globalization;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

public sealed partial class DeploymentCards
{
    /// <summary>
    /// Takes over the cards whose follower is gone or let go and whose end has not been delivered: a deployment that ended
    /// in the moment its follower was killed still gets its final state, within a sweep of a live process noticing.
    /// Read-only console processes take over console cards only.
    /// </summary>
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
                        if (holder.Length > 0 && holder != identity.Id && !identity.IsGone(holder)) continue;
                        if (await store.GetAsync(id, stoppingToken).ConfigureAwait(false) is not { } d || !_platforms.TryGetValue(d.Origin.Platform, out var platform)) continue;
                        if (options.RecoversOnlyFrom is { } only && d.Origin.Platform != only) continue;
                        if (holder != identity.Id && await store.ClaimNoteAsync(FollowerNote, key, identity.Id, holder, time.GetUtcNow(), stoppingToken).ConfigureAwait(false) != identity.Id) continue;
                        logger.LogInformation("Taking over the card of {App} #{Number} (its follower {Holder} is gone)", d.App, d.Number, holder.Length == 0 ? "let it go" : holder);
                        Follow(id, platform, null, (await store.TailAsync(id, 1, stoppingToken).ConfigureAwait(false)).LastOrDefault()?.Seq ?? 0);
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
