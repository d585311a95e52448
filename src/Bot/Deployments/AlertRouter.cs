using System.Globalization;

namespace Bot.Deployments;

/// <summary>
/// Where every alert goes, whatever its source (<c>/alerts/generic</c>, Heroku, AWS and Google endpoints build an
/// <see cref="Alert"/> and call <see cref="ReceiveAsync"/> the same way): it is recorded (repeats within the window
/// are counted on the first), then handed to the chat edge (<see cref="IAlertSink"/>) unless the app is muted.
/// The bot's own failures are alerts too: a deployment that failed or was interrupted is announced in the app's
/// alert channels other than the conversation that asked for it.
/// </summary>
public sealed class AlertRouter(IDeploymentStore store, IEnumerable<IAlertSink> sinks, AlertOptions options, TimeProvider time)
{
    private const string MuteNote = "mute";

    /// <param name="except">The conversation that already knows (the one that asked for a failed deployment).</param>
    public async Task<(StoredAlert Alert, AlertChange Change)> ReceiveAsync(Alert alert, CancellationToken cancellationToken, Origin? except = null)
    {
        var muted = await MutedUntilAsync(alert.App, cancellationToken).ConfigureAwait(false) is not null;
        var (stored, change) = await store.RecordAlertAsync(alert, options.Window, muted, cancellationToken).ConfigureAwait(false);
        if (muted || change == AlertChange.NothingOpen) return (stored, change);
        foreach (var sink in sinks)
            await sink.ShowAsync(stored, change, except, cancellationToken).ConfigureAwait(false);
        return (stored, change);
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

    /// <summary>A deployment that failed or was interrupted, as an alert (the process that follows it calls this, so it is told once).</summary>
    public Task<(StoredAlert Alert, AlertChange Change)> AnnounceAsync(Deployment d, CancellationToken cancellationToken)
    {
        var what = d.State == DeploymentState.Interrupted ? "was interrupted" : "failed";
        var alert = new Alert("deploybot", d.App, d.Env, AlertSeverity.Critical,
            d.Kind switch
            {
                DeploymentKind.Rollback => $"Rollback #{d.Number} of {d.RefLabel} {what}",
                DeploymentKind.Config => $"Config change #{d.Number} ({d.Subject}) {what}",
                DeploymentKind.Task => $"Task {d.Subject} (#{d.Number}) {what}",
                _ => $"Deploy #{d.Number} of {d.RefLabel} {what}",
            },
            $"{d.Message} (asked by {d.Origin.UserName} in {d.Origin.Platform})", d.Url, $"deployment:{d.Id}", false, time.GetUtcNow());
        return ReceiveAsync(alert, cancellationToken, d.Origin);
    }
}
