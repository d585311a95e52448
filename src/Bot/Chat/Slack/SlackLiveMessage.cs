using Bot.Commands;
using Bot.Deployments;

namespace Bot.Chat.Slack;

/// <summary>
/// How one Slack message that changes over time is sent: posted once (claimed in the store, so of several processes one
/// posts and the others edit that message), then edited with <c>chat.update</c> at most once per
/// <see cref="SlackLiveMessages.UpdateInterval"/>; lines go to its thread every <see cref="SlackLiveMessages.OutputInterval"/>.
/// The final view need not wait for the next slot: it goes at once when the message was sent at most once in the two
/// intervals before, so a quick deploy's card says "live" the moment it is, and no message is sent more than once per
/// interval on average, plus one.
/// </summary>
internal sealed class SlackLiveMessage(SlackApi api, IDeploymentStore store, WorkerIdentity identity, TimeProvider time) : ILiveSender<LiveUpdate>
{
    /// <summary>How long to wait for another process that claimed the message to finish posting it.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromMilliseconds(250);

    private string? _channel, _ts;
    private long _prevSent, _lastSent, _lastLines, _claimLost;

    public TimeSpan Due(LiveBatch<LiveUpdate> pending)
    {
        if (pending.View is null) return Timeout.InfiniteTimeSpan;
        if (_ts is null) return _claimLost == 0 ? TimeSpan.Zero : ClaimWait - time.GetElapsedTime(_claimLost);
        var edit = EditWait(pending.Final);
        var lines = SlackLiveMessages.OutputInterval - time.GetElapsedTime(_lastLines);
        var linesDue = pending.Lines.Count > 0 && (lines <= TimeSpan.Zero || pending.Final);
        if ((pending.Changed || linesDue) && edit <= TimeSpan.Zero) return TimeSpan.Zero;
        if (!pending.Changed && pending.Lines.Count == 0) return Timeout.InfiniteTimeSpan;
        return pending.Changed || pending.Final ? edit : edit > lines ? edit : lines;
    }

    /// <summary>
    /// One interval after the last send; for the final view, two intervals after the send before that, if sooner (a card
    /// posted "queued" a moment ago can say "live" now, but a card edited every second waits its turn like any edit).
    /// </summary>
    private TimeSpan EditWait(bool final)
    {
        var slot = SlackLiveMessages.UpdateInterval - time.GetElapsedTime(_lastSent);
        var budget = SlackLiveMessages.UpdateInterval * 2 - time.GetElapsedTime(_prevSent);
        return final && budget < slot ? budget : slot;
    }

    public bool MayPass(Exception e) => e is SlackApiException || Redelivery.MayPass(e);

    public async Task SendAsync(LiveBatch<LiveUpdate> batch, CancellationToken cancellationToken)
    {
        var view = batch.View!;
        try
        {
            if (_ts is null)
            {
                // Posted with this view, or found posted by another process (and then edited below).
                if (await PostAsync(view, cancellationToken).ConfigureAwait(false) is not { } postedHere) return;
                if (postedHere) batch.Changed = false;
            }
            if (batch.Lines.Count > 0 && (batch.Final || time.GetElapsedTime(_lastLines) >= SlackLiveMessages.OutputInterval))
            {
                var lines = batch.Lines.TakeLast(SlackBlocks.MaxCodeLines).ToList();
                var skipped = batch.Skipped + batch.Lines.Count - lines.Count;
                await api.PostMessageAsync(new SlackOutgoing(_channel!, string.Join('\n', lines), SlackBlocks.Output(lines, skipped), _ts), cancellationToken).ConfigureAwait(false);
                (batch.Skipped, _lastLines) = (0, time.GetTimestamp());
                batch.Lines.Clear();
            }
            if (batch.Changed)
            {
                await api.UpdateMessageAsync(_channel!, _ts!, new SlackOutgoing(_channel!, view.Text, view.Blocks), cancellationToken).ConfigureAwait(false);
                batch.Changed = false;
                Sent();
            }
        }
        catch
        {
            Sent();
            throw;
        }
    }

    /// <summary>A post or an edit was sent (or tried): the clock of <see cref="EditWait"/> moves on.</summary>
    private void Sent() => (_prevSent, _lastSent) = (_lastSent, time.GetTimestamp());

    /// <summary>
    /// Posts the message, or finds it posted: which process posts is claimed in the store first (<c>posting &lt;owner&gt;</c>,
    /// first writer wins); the others wait for its <c>channel ts</c> and edit that message. A claim whose owner is gone is taken over.
    /// True when posted here with this view, false when found posted, null while another process is posting it.
    /// </summary>
    private async Task<bool?> PostAsync(LiveUpdate view, CancellationToken cancellationToken)
    {
        var mine = $"posting {identity.Id}";
        var held = await store.GetNoteAsync(view.NoteScope, view.Key, cancellationToken).ConfigureAwait(false)
            ?? await store.ClaimNoteAsync(view.NoteScope, view.Key, mine, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (held.Split(' ') is [var channel, var ts] && !held.StartsWith("posting ", StringComparison.Ordinal))
        {
            (_channel, _ts) = (channel, ts);
            return false;
        }
        if (held != mine && (identity.IsGone(held["posting ".Length..]) is false
            || await store.ClaimNoteAsync(view.NoteScope, view.Key, mine, held, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) != mine))
        {
            _claimLost = time.GetTimestamp();
            return null;
        }
        var message = new SlackOutgoing(view.Channel, view.Text, view.Blocks, view.Thread);
        SlackPosted posted;
        try
        {
            posted = await api.PostMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException e) when (e.Error is "not_in_channel" or "channel_not_found" && view.FallbackUser is { Length: > 0 } user)
        {
            // Not a member of the channel: tell the person directly, and keep the message there.
            await api.PostMessageAsync(new SlackOutgoing(user, e.UserMessage, SlackBlocks.Message(new ChatMessage(
                $"I can't post in <#{view.Channel}>: {e.UserMessage} I'll keep you posted here.", Tone.Warning))), cancellationToken).ConfigureAwait(false);
            posted = await api.PostMessageAsync(message with { Channel = user, ThreadTs = null }, cancellationToken).ConfigureAwait(false);
        }
        (_channel, _ts) = (posted.Channel, posted.Ts);
        Sent();
        await store.SetNoteAsync(view.NoteScope, view.Key, $"{posted.Channel} {posted.Ts}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
