using System.Globalization;
using Bot.Chat;
using Bot.Configuration;
using Bot.Deployments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Alerts;

/// <summary>
/// Where every alert goes, whatever its source (<c>/alerts/generic</c> here; Heroku, AWS and Google endpoints
/// build an <see cref="Alert"/> and call <see cref="ReceiveAsync"/> the same way): it is recorded (repeats within
/// the window are counted on the first), then shown in the app's <c>AlertChannels</c> unless the app is muted.
/// The bot's own failures are alerts too: a deployment that failed or was interrupted is announced in the app's
/// alert channels other than the conversation that asked for it.
/// </summary>
public sealed class AlertRouter(
    IDeploymentStore store,
    AppCatalog apps,
    IEnumerable<IChatPlatform> platforms,
    BackgroundWork background,
    AlertOptions options,
    TimeProvider time,
    ILogger<AlertRouter> logger) : IHostedService
{
    private const string MuteNote = "mute";
    private readonly Dictionary<string, IChatPlatform> _platforms = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public async Task<(StoredAlert Alert, AlertChange Change)> ReceiveAsync(Alert alert, CancellationToken cancellationToken, Conversation? except = null)
    {
        var muted = await MutedUntilAsync(alert.App, cancellationToken).ConfigureAwait(false) is not null;
        var (stored, change) = await store.RecordAlertAsync(alert, options.Window, muted, cancellationToken).ConfigureAwait(false);
        if (muted || change == AlertChange.NothingOpen) return (stored, change);
        var card = new AlertCard(stored, time.GetUtcNow());
        foreach (var to in ChannelsOf(stored.App, stored.Env).Where(c => c != except))
        {
            if (!_platforms.TryGetValue(to.Platform, out var platform))
            {
                logger.LogWarning("Alert channel {Platform}:{Channel} of {App} has no platform here", to.Platform, to.Channel, stored.App);
                continue;
            }
            try
            {
                await platform.ShowAlertAsync(to, card, change, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not show alert {Id} in {Platform}:{Channel}", stored.Id, to.Platform, to.Channel);
            }
        }
        return (stored, change);
    }

    /// <summary><c>slack:C0123</c> entries of the app's (environment's) <c>AlertChannels</c>.</summary>
    public IReadOnlyList<Conversation> ChannelsOf(string app, string? env)
    {
        var config = apps.Find(app);
        if (config is null) return [];
        var settings = env is not null && config.ByEnv.TryGetValue(env, out var e) ? e : config.Default;
        return settings.AlertChannels.Select(c => c.Split(':', 2)).Select(p => new Conversation(p[0], p[1])).ToList();
    }

    public async Task<DateTimeOffset?> MutedUntilAsync(string app, CancellationToken cancellationToken)
    {
        var note = await store.GetNoteAsync(MuteNote, app.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        if (!long.TryParse(note, NumberStyles.Integer, CultureInfo.InvariantCulture, out var until)) return null;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(until);
        return at > time.GetUtcNow() ? at : null;
    }

    public Task MuteAsync(string app, DateTimeOffset? until, CancellationToken cancellationToken) =>
        store.SetNoteAsync(MuteNote, app.ToLowerInvariant(), (until ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            time.GetUtcNow(), cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A deployment that failed or was interrupted, told in the background to the app's alert channels other than the
    /// conversation that asked for it. The process that follows the deployment calls this, so it is told once.
    /// </summary>
    public Task AnnounceAsync(Deployment d)
    {
        background.Run($"Announcing {d.App} #{d.Number}", () => AnnounceNowAsync(d));
        return Task.CompletedTask;
    }

    private Task AnnounceNowAsync(Deployment d)
    {
        var what = d.State == DeploymentState.Interrupted ? "was interrupted" : "failed";
        var alert = new Alert("deploybot", d.App, d.Env, AlertSeverity.Critical,
            $"{(d.Kind == DeploymentKind.Rollback ? "Rollback" : "Deploy")} #{d.Number} of {d.RefLabel} {what}",
            $"{d.Message} (asked by {d.Origin.UserName} in {d.Origin.Platform})", d.Url, $"deployment:{d.Id}", false, time.GetUtcNow());
        return ReceiveAsync(alert, CancellationToken.None, new Conversation(d.Origin.Platform, d.Origin.Conversation));
    }
}

/// <summary><c>ALERTS_SECRET</c> signs <c>/alerts/generic</c> requests; <c>Alerts:Window</c> (default 10m) is how long repeats count as one alert.</summary>
public sealed record AlertOptions(string? Secret, TimeSpan Window)
{
    public static AlertOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var window = TimeSpan.FromMinutes(10);
        if (configuration["Alerts:Window"] is { Length: > 0 } w)
            window = Commands.Args.ParseDuration(w) ?? throw new ConfigException("Alerts:Window", $"'{w}' is not a duration; write it as 10m or 1h");
        return new AlertOptions(configuration["ALERTS_SECRET"] is { Length: > 0 } s ? s : null, window);
    }
}
