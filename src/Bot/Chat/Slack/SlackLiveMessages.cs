using System.Collections.Concurrent;
using Bot.Commands;
using Bot.Text;
using System.Text.Json.Nodes;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>What a live message should say now, and where it goes the first time.</summary>
public sealed record LiveUpdate(
    string Key, string NoteScope, string Channel, string? Thread, string Text, JsonArray Blocks, bool Final, string? Line = null, string? FallbackUser = null);

/// <summary>
/// Messages that change over time (a deployment's card, an alert's count): posted once, then edited in place
/// with <c>chat.update</c> at most once per <see cref="UpdateInterval"/>, the final state always delivered
/// (retried a few times). The final state need not wait for the next slot: it goes out at once when the message was
/// sent at most once in the two intervals before (<see cref="SendWait"/>), so a quick deploy's card says "live" the
/// moment it is, and no message is sent more than once per interval on average, plus one. Lines (build output) go to
/// the message's thread in batches. Each message's id is kept in the store, so a restarted bot keeps editing the same
/// one. When Slack fails a post or an edit, what is pending stays pending and is sent again after a pause that grows
/// (<see cref="Redelivery"/>); the final state starts a series of tries of its own and is given up only after <see cref="Redelivery.MaxTries"/> of them.
/// </summary>
public sealed class SlackLiveMessages(SlackApi api, IDeploymentStore store, WorkerIdentity identity, TimeProvider time, ILogger<SlackLiveMessages> logger) : IAsyncDisposable
{
    /// <summary>How long to wait for another process that claimed a message to finish posting it.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan OutputInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);
    private const int MaxPendingLines = 500;

    private readonly ConcurrentDictionary<string, State> _messages = new();
    private readonly ConcurrentDictionary<Task, byte> _inflight = new();

    public async Task ShowAsync(LiveUpdate update, CancellationToken cancellationToken)
    {
        var state = _messages.GetOrAdd(update.Key, _ => new State());
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            state.Latest = update;
            if (update.Line is { } line) state.AddLine(line, MaxPendingLines);
            // The final state gets tries of its own, however many the earlier ones used up.
            if (update.Final && !state.Final) (state.Final, state.Failures) = (true, 0);
            state.Dirty = true;
            await FlushOrScheduleAsync(state, update.Key).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Completes when every update being sent now has been sent (tests).</summary>
    public Task SettleAsync() => Task.WhenAll(_inflight.Keys);

    /// <summary>
    /// Completes when every message that has reached its final state has been delivered, including those waiting
    /// for their edit slot or for another try (shutdown: the final state of a card must not be dropped on exit).
    /// </summary>
    public async Task SettleFinalsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await SettleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!_messages.Values.Any(m => m.Final && (m.Dirty || m.Lines.Count > 0 || m.Ts is null))) return;
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Posts the message, or finds it posted. Which process posts is claimed in the store first (<c>posting &lt;owner&gt;</c>,
    /// first writer wins), so a card is never posted twice, whichever replica took the command and whichever runs the job;
    /// the others wait for its <c>channel ts</c> and edit that message. A claim whose owner is gone is taken over.
    /// </summary>
    private async Task<bool> PostAsync(State state, LiveUpdate update, CancellationToken cancellationToken)
    {
        var noteKey = update.Key;
        var mine = $"posting {identity.Id}";
        var held = await store.GetNoteAsync(update.NoteScope, noteKey, cancellationToken).ConfigureAwait(false)
            ?? await store.ClaimNoteAsync(update.NoteScope, noteKey, mine, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (held.Split(' ') is [var channel, var ts] && !held.StartsWith("posting ", StringComparison.Ordinal))
        {
            (state.Channel, state.Ts, state.Dirty) = (channel, ts, true);
            return true;
        }
        if (held != mine)
        {
            var owner = held["posting ".Length..];
            if (!identity.IsGone(owner)) return false;
            if (await store.ClaimNoteAsync(update.NoteScope, noteKey, mine, held, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) != mine) return false;
        }
        var message = new SlackOutgoing(update.Channel, update.Text, update.Blocks, update.Thread);
        SlackPosted posted;
        try
        {
            posted = await api.PostMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException e) when (e.Error is "not_in_channel" or "channel_not_found" && update.FallbackUser is { Length: > 0 } user)
        {
            // Not a member of the channel: tell the person directly, and keep the message there.
            await api.PostMessageAsync(new SlackOutgoing(user, e.UserMessage, SlackBlocks.Message(new ChatMessage(
                $"I can't post in <#{update.Channel}>: {e.UserMessage} I'll keep you posted here.", Tone.Warning))), cancellationToken).ConfigureAwait(false);
            posted = await api.PostMessageAsync(message with { Channel = user, ThreadTs = null }, cancellationToken).ConfigureAwait(false);
        }
        (state.Channel, state.Ts, state.Dirty) = (posted.Channel, posted.Ts, false);
        Sent(state);
        await store.SetNoteAsync(update.NoteScope, noteKey, $"{posted.Channel} {posted.Ts}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task FlushOrScheduleAsync(State state, string key)
    {
        var wait = state.Failures > 0 ? Redelivery.After(state.Failures) - time.GetElapsedTime(state.LastSent) : SendWait(state);
        var linesWait = OutputInterval - time.GetElapsedTime(state.LastLines);
        var due = (state.Dirty && wait <= TimeSpan.Zero) || (state.Lines.Count > 0 && (linesWait <= TimeSpan.Zero || state.Final) && wait <= TimeSpan.Zero);
        if (due)
        {
            await FlushAsync(state, key).ConfigureAwait(false);
            return;
        }
        if (!state.Dirty && state.Lines.Count == 0) return;
        var delay = state.Dirty || state.Final ? wait : TimeSpan.FromTicks(Math.Max(wait.Ticks, linesWait.Ticks));
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        // One timer, set for when the next send is due: that moves when the final state may go sooner than the slot an
        // earlier edit waited for, or when a failure makes the pause longer.
        var at = time.GetUtcNow() + delay;
        if (state.Timer is not null && (at - state.TimerDue).Duration() < TimerSlack) return;
        state.Timer?.Dispose();
        state.TimerDue = at;
        state.Timer = time.CreateTimer(_ => Track(OnTimerAsync(state, key)), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// How long until the next edit may go: one interval after the last send; for the final state, two intervals after the
    /// send before that, if sooner (so a card posted "queued" a moment ago can say "live" now, but a card edited every
    /// second waits its turn like any edit).
    /// </summary>
    private TimeSpan SendWait(State state)
    {
        var slot = UpdateInterval - time.GetElapsedTime(state.LastSent);
        if (!state.Final) return slot;
        var budget = UpdateInterval * 2 - time.GetElapsedTime(state.PrevSent);
        return budget < slot ? budget : slot;
    }

    /// <summary>A post or an edit was sent (or tried): the clock of <see cref="SendWait"/> moves on.</summary>
    private void Sent(State state) => (state.PrevSent, state.LastSent) = (state.LastSent, time.GetTimestamp());

    private async Task OnTimerAsync(State state, string key)
    {
        await state.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            state.Timer?.Dispose();
            state.Timer = null;
            await FlushOrScheduleAsync(state, key).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Sends what is pending: the message if it is not posted yet, lines to its thread (when due, and always at the end), then its edit.</summary>
    private async Task FlushAsync(State state, string key)
    {
        try
        {
            if (state.Ts is null && !await PostAsync(state, state.Latest!, CancellationToken.None).ConfigureAwait(false))
            {
                // Another process is posting it: look again shortly, then edit what it posted.
                state.Timer ??= time.CreateTimer(_ => Track(OnTimerAsync(state, key)), null, ClaimWait, Timeout.InfiniteTimeSpan);
                return;
            }
            if (state.Lines.Count > 0 && (state.Final || time.GetElapsedTime(state.LastLines) >= OutputInterval))
            {
                var (lines, skipped) = state.TakeLines(SlackBlocks.MaxCodeLines);
                await api.PostMessageAsync(new SlackOutgoing(state.Channel!, string.Join('\n', lines), SlackBlocks.Output(lines, skipped), state.Ts),
                    CancellationToken.None).ConfigureAwait(false);
                state.LastLines = time.GetTimestamp();
            }
            if (state.Dirty && state.Latest is { } latest)
            {
                state.Dirty = false;
                await api.UpdateMessageAsync(state.Channel!, state.Ts!, new SlackOutgoing(state.Channel!, latest.Text, latest.Blocks), CancellationToken.None).ConfigureAwait(false);
                Sent(state);
            }
            state.Failures = 0;
        }
        catch (Exception e) when (e is SlackApiException || Redelivery.MayPass(e))
        {
            // Keep it all pending (an edit carries the latest state) and try again after a pause that grows.
            state.Dirty = true;
            Sent(state);
            if (++state.Failures >= Redelivery.MaxTries && state.Final)
            {
                logger.LogError("Giving up on the Slack message {Key} after {Tries} tries: {Error}", key, state.Failures, e.Message);
                (state.Dirty, state.Failures) = (false, 0);
                state.Lines.Clear();
            }
            else
            {
                logger.LogWarning("Sending the Slack message {Key} failed ({Error}); trying again in {Wait}", key, e.Message, Format.Duration(Redelivery.After(state.Failures)));
            }
        }
        if (state.Final && !state.Dirty && state.Lines.Count == 0)
        {
            state.Timer?.Dispose();
            _messages.TryRemove(key, out _);
        }
        else
        {
            await FlushOrScheduleAsync(state, key).ConfigureAwait(false);
        }
    }

    private void Track(Task task)
    {
        _inflight.TryAdd(task, 0);
        task.ContinueWith(t => _inflight.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await SettleAsync().ConfigureAwait(false);
        foreach (var message in _messages.Values) message.Timer?.Dispose();
    }

    private sealed class State
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public LiveUpdate? Latest;
        public string? Channel, Ts;
        public bool Dirty, Final;
        public int Failures;
        public long PrevSent, LastSent, LastLines;
        public ITimer? Timer;
        public DateTimeOffset TimerDue;
        public readonly List<string> Lines = [];
        private int _skipped;

        public void AddLine(string line, int max)
        {
            Lines.Add(line);
            if (Lines.Count <= max) return;
            Lines.RemoveAt(0);
            _skipped++;
        }

        /// <summary>The newest <paramref name="count"/> lines, and how many before them are not shown.</summary>
        public (List<string> Lines, int Skipped) TakeLines(int count)
        {
            var take = Lines.TakeLast(count).ToList();
            var skipped = _skipped + Lines.Count - take.Count;
            Lines.Clear();
            _skipped = 0;
            return (take, skipped);
        }
    }
}
