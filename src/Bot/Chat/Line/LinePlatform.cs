using System.Collections.Concurrent;
using Bot.Commands;
using Bot.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Line;

/// <summary>
/// LINE as a chat platform, careful with the monthly push quota: while a deployment runs, a 1:1 chat shows
/// the loading animation (re-issued until it ends) and a group gets at most one "still running" push after
/// <see cref="LineOptions.ProgressAfter"/>; the result is pushed once as a Flex card. At most
/// <see cref="LineOptions.PushesPerDeploy"/> pushes per deployment, counted in the store. Each push carries a
/// retry key derived from the deployment, so a retry — even after a restart — is never delivered twice.
/// A result push that fails for a reason that can pass is pushed again later (<see cref="Redelivery"/>).
/// </summary>
public sealed class LinePlatform(LineApi api, LineOptions options, IDeploymentStore store, TimeProvider time, BackgroundWork background, ILogger<LinePlatform> logger)
    : IChatPlatform, IDisposable
{
    public static readonly TimeSpan LoadingEvery = TimeSpan.FromSeconds(55);
    public const int LoadingSeconds = 60;
    private const string PushNote = "line-pushes";

    private readonly ConcurrentDictionary<long, ITimer> _progress = new();
    private readonly ConcurrentDictionary<long, ITimer> _redeliveries = new();

    public string Name => "line";

    public async Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        await api.PushAsync(to.Channel, LineMessages.From([message]), Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
    }

    public async Task ShowDeploymentAsync(DeploymentCard card, DeploymentEvent trigger, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        var d = card.Deployment;
        if (trigger.Kind == EventKind.Step && card.CanaryLive && d.State == DeploymentState.Running)
        {
            // A watched canary is the moment to decide: its buttons are pushed once, keeping a push for the result.
            if (await TakePushAsync(d.Id, cancellationToken, keepForResult: 1).ConfigureAwait(false))
                await api.PushAsync(d.Origin.Conversation, [LineMessages.Card(card)], RetryKey(d.Id, "canary"), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (trigger.Kind != EventKind.State) return;
        if (d.State == DeploymentState.AwaitingApproval)
        {
            // A LINE message cannot be edited: the approval card is pushed once, keeping a push for the result; a tap on it
            // once answered is told so (an answer counts once), and the result card says who approved.
            if (await TakePushAsync(d.Id, cancellationToken, keepForResult: 1).ConfigureAwait(false))
                await api.PushAsync(d.Origin.Conversation, [LineMessages.Card(card)], RetryKey(d.Id, "approval"), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (d.State == DeploymentState.Running)
        {
            StartProgress(d);
            return;
        }
        if (!d.IsFinished) return;
        if (_progress.TryRemove(d.Id, out var timer)) timer.Dispose();
        if (await TakePushAsync(d.Id, cancellationToken).ConfigureAwait(false))
            await PushResultAsync(d, LineMessages.Card(card), 1, cancellationToken).ConfigureAwait(false);
        else
            logger.LogInformation("No push left for {App} #{Number} (Line:PushesPerDeploy is {Budget})", d.App, d.Number, options.PushesPerDeploy);
    }

    /// <summary>
    /// A LINE message cannot be edited, and every push counts against the month's quota: an alert is pushed when
    /// it starts and when it is resolved, never for repeats (<c>alerts</c> shows the count).
    /// </summary>
    public async Task ShowAlertAsync(Conversation to, AlertCard card, AlertChange change, CancellationToken cancellationToken)
    {
        if (!options.CanSend || change is AlertChange.Repeated or AlertChange.NothingOpen) return;
        var purpose = change == AlertChange.Resolved ? "alert-resolved" : "alert";
        await api.PushAsync(to.Channel, [LineMessages.Alert(card)], RetryKey(card.Alert.Id, $"{purpose}:{to.Channel}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes a deployment's result; when LINE fails it for a reason that can pass, schedules the same push again
    /// (the same retry key, so LINE shows it once however many tries got through).
    /// </summary>
    private async Task PushResultAsync(Deployment d, JsonObject card, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await api.PushAsync(d.Origin.Conversation, [card], RetryKey(d.Id, "result"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
                                  && (e is LineApiException { Status: >= 500 or 429 or 408 } || Redelivery.MayPass(e)))
        {
            if (attempt >= Redelivery.MaxTries)
            {
                logger.LogError("Giving up on pushing the result of {App} #{Number} to LINE after {Tries} tries: {Error}", d.App, d.Number, attempt, e.Message);
            }
            else
            {
                var wait = Redelivery.After(attempt);
                logger.LogWarning("Pushing the result of {App} #{Number} to LINE failed ({Error}); trying again in {Wait}",
                    d.App, d.Number, e.Message, Format.Duration(wait));
                var again = time.CreateTimer(_ => background.Run($"Pushing the result of {d.App} #{d.Number} again",
                    () => PushResultAsync(d, card, attempt + 1, CancellationToken.None)), null, wait, Timeout.InfiniteTimeSpan);
                _redeliveries.AddOrUpdate(d.Id, again, (_, old) => { old.Dispose(); return again; });
                return;
            }
        }
        if (_redeliveries.TryRemove(d.Id, out var done)) done.Dispose();
    }

    private void StartProgress(Deployment d)
    {
        var chat = d.Origin.Conversation;
        if (LineSource.IsOneToOne(chat))
        {
            // The animation lasts at most a minute: show it now and again before it runs out.
            ShowLoading(chat);
            _progress[d.Id] = time.CreateTimer(_ => ShowLoading(chat), null, LoadingEvery, LoadingEvery);
        }
        else if (options.PushesPerDeploy >= 2)
        {
            _progress[d.Id] = time.CreateTimer(_ => background.Run("A LINE progress push", () => PushProgressAsync(d)), null, options.ProgressAfter, Timeout.InfiniteTimeSpan);
        }
    }

    private void ShowLoading(string chat) =>
        background.Run("The LINE loading animation", () => api.ShowLoadingAsync(chat, LoadingSeconds, CancellationToken.None));

    private async Task PushProgressAsync(Deployment started)
    {
        var now = await store.GetAsync(started.Id, CancellationToken.None).ConfigureAwait(false);
        if (now is not { State: DeploymentState.Running } || !await TakePushAsync(now.Id, CancellationToken.None, keepForResult: 1).ConfigureAwait(false)) return;
        var text = $"⏳ {now.App} #{now.Number} is still {(now.Kind == DeploymentKind.Rollback ? "rolling back" : "deploying")} " +
                   $"({Format.Duration(now.Elapsed(time.GetUtcNow()))}). I'll send the result when it's done.";
        var message = LineMessages.Text(text);
        message["quickReply"] = LineMessages.QuickReply([new ChatAction("Cancel", $"cancel {now.App} #{now.Number}", $"Stop #{now.Number} of {now.App}?")], now.App);
        await api.PushAsync(now.Origin.Conversation, [message], RetryKey(now.Id, "progress"), CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>The same deployment and purpose always give the same key (a UUID shaped from a hash).</summary>
    public static Guid RetryKey(long deploymentId, string purpose)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"deploybot:{deploymentId}:{purpose}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public void Dispose()
    {
        foreach (var timer in _progress.Values.Concat(_redeliveries.Values)) timer.Dispose();
    }
}
