using Bot.Commands;
using Bot.Configuration;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>Shows each recorded alert in the app's (environment's) <c>AlertChannels</c>, on each channel's platform.</summary>
public sealed class ChatAlertSink(AppCatalog apps, IEnumerable<IChatPlatform> platforms, TimeProvider time, ILogger<ChatAlertSink> logger, Security.LogLinks links) : IAlertSink
{
    private readonly Dictionary<string, IChatPlatform> _platforms = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public async Task ShowAsync(StoredAlert alert, AlertChange change, Origin? except, CancellationToken cancellationToken)
    {
        var card = new AlertCard(alert, time.GetUtcNow()) { PageUrl = links.Alert(alert.Id) };
        foreach (var to in ChannelsOf(alert.App, alert.Env).Where(c => except is null || c != new Conversation(except.Platform, except.Conversation)))
        {
            if (!_platforms.TryGetValue(to.Platform, out var platform))
            {
                logger.LogWarning("Alert channel {Platform}:{Channel} of {App} has no platform here", to.Platform, to.Channel, alert.App);
                continue;
            }
            try
            {
                await platform.ShowAlertAsync(to, card, change, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not show alert {Id} in {Platform}:{Channel}: {Error}", alert.Id, to.Platform, to.Channel, e.Message);
            }
        }
    }

    /// <summary><c>slack:C0123</c> entries of the app's (environment's) <c>AlertChannels</c>.</summary>
    public IReadOnlyList<Conversation> ChannelsOf(string app, string? env)
    {
        var config = apps.Find(app);
        if (config is null) return [];
        var settings = env is not null && config.ByEnv.TryGetValue(env, out var e) ? e : config.Default;
        return settings.AlertChannels.Select(c => c.Split(':', 2)).Select(p => new Conversation(p[0], p[1])).ToList();
    }
}
