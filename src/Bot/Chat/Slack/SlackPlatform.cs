using System.Collections.Concurrent;
using Bot.Deployments;
using Microsoft.Extensions.Logging;

namespace Bot.Chat.Slack;

/// <summary>
/// Slack as a chat platform. A deployment is one message (its card), posted when it is queued and then
/// edited in place with <c>chat.update</c> — at most once a second, with the final state always
/// delivered. Build output goes to the card's thread in batches. The card's message id is kept in the
/// store, so a restarted bot keeps editing the same message.
/// </summary>
/// <remarks>
/// When Slack fails a post or an edit, what is pending stays pending and is sent again after a pause that grows
/// (<see cref="Redelivery"/>); events that arrive meanwhile wait for it. The final state starts a series of tries
/// of its own and is given up only after <see cref="Redelivery.MaxTries"/> of them.
/// </remarks>
public sealed class SlackPlatform(SlackApi api, SlackOptions options, IDeploymentStore store, TimeProvider time, ILogger<SlackPlatform> logger)
    : IChatPlatform, IAsyncDisposable
{
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan OutputInterval = TimeSpan.FromSeconds(2);
    private const int MaxPendingLines = 500;
    private const string CardNote = "slack-card";

    private readonly ConcurrentDictionary<long, CardState> _cards = new();
    private readonly ConcurrentDictionary<Task, byte> _inflight = new();

    public string Name => "slack";

    public async Task SendAsync(Conversation to, ChatMessage message, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        await api.PostMessageAsync(new SlackOutgoing(to.Channel, message.Text, SlackBlocks.Message(message), to.Thread), cancellationToken).ConfigureAwait(false);
    }

    public async Task ShowDeploymentAsync(DeploymentCard card, DeploymentEvent trigger, CancellationToken cancellationToken)
    {
        if (!options.CanSend) return;
        var state = _cards.GetOrAdd(card.Deployment.Id, _ => new CardState());
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            state.Latest = card;
            if (trigger.Kind is EventKind.Output or EventKind.ErrorOutput) state.AddLine(trigger.Text, MaxPendingLines);
            // The final state gets tries of its own, however many the earlier ones used up.
            if (card.Deployment.IsFinished && !state.Final) (state.Final, state.Failures) = (true, 0);
            state.Dirty = true;
            await FlushOrScheduleAsync(state, card.Deployment.Id).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Completes when every scheduled update has been sent (tests, and shutdown).</summary>
    public Task SettleAsync() => Task.WhenAll(_inflight.Keys);

    private async Task PostCardAsync(CardState state, DeploymentCard card, CancellationToken cancellationToken)
    {
        var d = card.Deployment;
        if (await store.GetNoteAsync(CardNote, d.Id.ToString(), cancellationToken).ConfigureAwait(false) is { } saved
            && saved.Split(' ') is [var savedChannel, var savedTs])
        {
            (state.Channel, state.Ts, state.Dirty) = (savedChannel, savedTs, true);
            return;
        }
        var message = new SlackOutgoing(d.Origin.Conversation, card.Title, SlackBlocks.Card(card), d.Origin.Thread);
        SlackPosted posted;
        try
        {
            posted = await api.PostMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SlackApiException e) when (e.Error is "not_in_channel" or "channel_not_found" && d.Origin.UserId.Length > 0)
        {
            // Not a member of the channel: tell the person directly, and keep the card there.
            await api.PostMessageAsync(new SlackOutgoing(d.Origin.UserId, e.UserMessage,
                SlackBlocks.Message(new ChatMessage($"I can't post in <#{d.Origin.Conversation}>: {e.UserMessage} Your {d.Verb} is going ahead; I'll keep you posted here.", Tone.Warning))),
                cancellationToken).ConfigureAwait(false);
            posted = await api.PostMessageAsync(message with { Channel = d.Origin.UserId, ThreadTs = null }, cancellationToken).ConfigureAwait(false);
        }
        (state.Channel, state.Ts, state.LastSent, state.Dirty) = (posted.Channel, posted.Ts, time.GetTimestamp(), false);
        await store.SetNoteAsync(CardNote, d.Id.ToString(), $"{posted.Channel} {posted.Ts}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushOrScheduleAsync(CardState state, long id)
    {
        var wait = (state.Failures > 0 ? Redelivery.After(state.Failures) : UpdateInterval) - time.GetElapsedTime(state.LastSent);
        var linesWait = OutputInterval - time.GetElapsedTime(state.LastLines);
        var due = (state.Dirty && wait <= TimeSpan.Zero) || (state.Lines.Count > 0 && (linesWait <= TimeSpan.Zero || state.Final) && wait <= TimeSpan.Zero);
        if (due)
        {
            await FlushAsync(state, id).ConfigureAwait(false);
            return;
        }
        if (state.Timer is not null || (!state.Dirty && state.Lines.Count == 0)) return;
        var delay = state.Dirty || state.Final ? wait : TimeSpan.FromTicks(Math.Max(wait.Ticks, linesWait.Ticks));
        state.Timer = time.CreateTimer(_ => Track(OnTimerAsync(state, id)), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private async Task OnTimerAsync(CardState state, long id)
    {
        await state.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            state.Timer?.Dispose();
            state.Timer = null;
            await FlushOrScheduleAsync(state, id).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Sends what is pending: the card if it is not posted yet, output to the thread (when due, and always at the end), then the card's edit.</summary>
    private async Task FlushAsync(CardState state, long id)
    {
        try
        {
            if (state.Ts is null)
                await PostCardAsync(state, state.Latest!, CancellationToken.None).ConfigureAwait(false);
            if (state.Lines.Count > 0 && (state.Final || time.GetElapsedTime(state.LastLines) >= OutputInterval))
            {
                var (lines, skipped) = state.TakeLines(SlackBlocks.MaxCodeLines);
                await api.PostMessageAsync(new SlackOutgoing(state.Channel!, string.Join('\n', lines), SlackBlocks.Output(lines, skipped), state.Ts),
                    CancellationToken.None).ConfigureAwait(false);
                state.LastLines = time.GetTimestamp();
            }
            if (state.Dirty && state.Latest is { } card)
            {
                state.Dirty = false;
                await api.UpdateMessageAsync(state.Channel!, state.Ts!, new SlackOutgoing(state.Channel!, card.Title, SlackBlocks.Card(card)), CancellationToken.None).ConfigureAwait(false);
                state.LastSent = time.GetTimestamp();
            }
            state.Failures = 0;
        }
        catch (Exception e) when (e is SlackApiException || Redelivery.MayPass(e))
        {
            // Keep it all pending (an edit carries the latest state) and try again after a pause that grows.
            (state.LastSent, state.Dirty) = (time.GetTimestamp(), true);
            if (++state.Failures >= Redelivery.MaxTries && state.Final)
            {
                logger.LogError("Giving up on the Slack card of deployment {Id} after {Tries} tries: {Error}", id, state.Failures, e.Message);
                (state.Dirty, state.Failures) = (false, 0);
                state.Lines.Clear();
            }
            else
            {
                logger.LogWarning("Sending the Slack card of deployment {Id} failed ({Error}); trying again in {Wait}",
                    id, e.Message, Format.Duration(Redelivery.After(state.Failures)));
            }
        }
        if (state.Final && !state.Dirty && state.Lines.Count == 0)
        {
            state.Timer?.Dispose();
            _cards.TryRemove(id, out _);
        }
        else
        {
            await FlushOrScheduleAsync(state, id).ConfigureAwait(false);
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
        foreach (var card in _cards.Values) card.Timer?.Dispose();
    }

    private sealed class CardState
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public DeploymentCard? Latest;
        public string? Channel, Ts;
        public bool Dirty, Final;
        public int Failures;
        public long LastSent, LastLines;
        public ITimer? Timer;
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
