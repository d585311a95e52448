using System.Globalization;
using Bot.Commands;
using Bot.Deployments;
using Bot.Text;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// How one deployment's card goes to a LINE conversation, where a message cannot be edited and every push counts against
/// the month's quota: an approval card and a watched canary's buttons are pushed once each (keeping a push for the
/// result); while it runs, a 1:1 chat shows the loading animation (again before it runs out) and a group gets at most one
/// "still running" push after <see cref="LineOptions.ProgressAfter"/>; the result is pushed once. At most
/// <see cref="LineOptions.PushesPerDeploy"/> pushes per deployment, counted in the store; each push carries a retry key
/// derived from the deployment and its purpose, so a retry (even after a restart) is never shown twice.
/// </summary>
internal sealed class LineCardMessage(LineApi api, LineOptions options, IDeploymentStore store, TimeProvider time, ILogger logger) : ILiveSender<DeploymentCard>
{
    private const string PushNote = "line-pushes";
    private bool _approvalPushed, _canaryPushed, _progressPushed;
    private readonly Dictionary<string, bool> _allowed = [];
    private long _loadingShown;
    private DateTimeOffset? _runningSince;

    public TimeSpan Due(LiveBatch<DeploymentCard> pending)
    {
        if (pending.View is not { Deployment: var d } card) return Timeout.InfiniteTimeSpan;
        if (d.IsFinished) return TimeSpan.Zero;
        if (d.State == DeploymentState.AwaitingApproval) return _approvalPushed ? Timeout.InfiniteTimeSpan : TimeSpan.Zero;
        if (d.State != DeploymentState.Running) return Timeout.InfiniteTimeSpan;
        if (card.CanaryLive && !_canaryPushed) return TimeSpan.Zero;
        if (LineSource.IsOneToOne(d.Origin.Conversation))
            return _loadingShown == 0 ? TimeSpan.Zero : LinePlatform.LoadingEvery - time.GetElapsedTime(_loadingShown);
        if (options.PushesPerDeploy < 2 || _progressPushed) return Timeout.InfiniteTimeSpan;
        _runningSince ??= time.GetUtcNow();
        return options.ProgressAfter - (time.GetUtcNow() - _runningSince.Value);
    }

    public bool MayPass(Exception e) => e is LineApiException { Status: >= 500 or 429 or 408 } || Redelivery.MayPass(e);

    public async Task SendAsync(LiveBatch<DeploymentCard> batch, CancellationToken cancellationToken)
    {
        var card = batch.View!;
        var d = card.Deployment;
        var to = d.Origin.Conversation;
        if (d.IsFinished)
        {
            if (!await AllowedAsync(d.Id, "result", cancellationToken).ConfigureAwait(false))
                logger.LogInformation("No push left for {App} #{Number} (Line:PushesPerDeploy is {Budget})", d.App, d.Number, options.PushesPerDeploy);
            else
                await api.PushAsync(to, [LineMessages.Card(card)], LinePlatform.RetryKey(d.Id, "result"), cancellationToken).ConfigureAwait(false);
        }
        else if (d.State == DeploymentState.AwaitingApproval || card.CanaryLive && !_canaryPushed)
        {
            var purpose = d.State == DeploymentState.AwaitingApproval ? "approval" : "canary";
            if (await AllowedAsync(d.Id, purpose, cancellationToken).ConfigureAwait(false))
                await api.PushAsync(to, [LineMessages.Card(card)], LinePlatform.RetryKey(d.Id, purpose), cancellationToken).ConfigureAwait(false);
            if (purpose == "approval") _approvalPushed = true;
            else _canaryPushed = true;
        }
        else if (LineSource.IsOneToOne(to))
        {
            // The animation lasts at most a minute: shown now and again before it runs out.
            _loadingShown = time.GetTimestamp();
            await api.ShowLoadingAsync(to, LinePlatform.LoadingSeconds, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _progressPushed = true;
            if (!await AllowedAsync(d.Id, "progress", cancellationToken).ConfigureAwait(false)) return;
            var text = $"⏳ {d.App} #{d.Number} is still {(d.Kind == DeploymentKind.Rollback ? "rolling back" : "deploying")} " +
                       $"({Format.Duration(d.Elapsed(time.GetUtcNow()))}). I'll send the result when it's done.";
            var message = LineMessages.Text(text);
            message["quickReply"] = LineMessages.QuickReply([new ChatAction("Cancel", $"cancel {d.App} #{d.Number}", $"Stop #{d.Number} of {d.App}?")], d.App);
            await api.PushAsync(to, [message], LinePlatform.RetryKey(d.Id, "progress"), cancellationToken).ConfigureAwait(false);
        }
        batch.Changed = false;
    }

    /// <summary>Whether a push for <paramref name="purpose"/> fits the budget (all but the result keep one for it), counted once however many tries it takes.</summary>
    private async Task<bool> AllowedAsync(long id, string purpose, CancellationToken cancellationToken)
    {
        if (!_allowed.TryGetValue(purpose, out var allowed))
            _allowed[purpose] = allowed = await TakePushAsync(id, cancellationToken, keepForResult: purpose == "result" ? 0 : 1).ConfigureAwait(false);
        return allowed;
    }

    /// <summary>Counts a push against the deployment's budget; false when the budget is spent.</summary>
    private async Task<bool> TakePushAsync(long id, CancellationToken cancellationToken, int keepForResult = 0)
    {
        var key = id.ToString(CultureInfo.InvariantCulture);
        var used = int.TryParse(await store.GetNoteAsync(PushNote, key, cancellationToken).ConfigureAwait(false), out var n) ? n : 0;
        if (used + keepForResult >= options.PushesPerDeploy) return false;
        await store.SetNoteAsync(PushNote, key, (used + 1).ToString(CultureInfo.InvariantCulture), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
