using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bot.Chat;

/// <summary>
/// One message that changes over time (a card, an alert), sent by one loop: it keeps only the latest view and the lines
/// not yet sent, waits the platform's turn (<see cref="ILiveSender{TView}.Due"/>) or a pause after a failure, sends,
/// and ends once the final view is out (or, after <see cref="Redelivery.MaxTries"/> failed tries, given up).
/// </summary>
public sealed class LiveMessage<TView>
{
    private const int MaxPendingLines = 500;
    private readonly ILiveSender<TView> _sender;
    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LiveBatch<TView> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failures;
    private bool _done;
    private long _lastTry;

    public LiveMessage(ILiveSender<TView> sender, string name, TimeProvider time, ILogger logger)
    {
        (_sender, _name, _time, _logger) = (sender, name, time, logger);
        Completion = Task.Run(RunAsync);
    }

    /// <summary>Ends once the final view has been sent or given up (or the message was stopped).</summary>
    public Task Completion { get; }

    public bool HasFinal { get { lock (_gate) return _pending.Final; } }

    /// <summary>Completes when nothing is being sent and nothing is due before the next wait ends (tests, <c>send</c>).</summary>
    public Task IdleAsync() { lock (_gate) return _idle.Task; }

    public void Show(TView view, string? line = null, bool final = false)
    {
        lock (_gate)
        {
            // The final view gets tries of its own, however many the earlier ones used up.
            if (final && !_pending.Final) _failures = 0;
            (_pending.View, _pending.Changed, _pending.Final) = (view, true, _pending.Final || final);
            if (line is not null) _pending.Lines.Add(line);
            if (_pending.Lines.Count > MaxPendingLines)
            {
                _pending.Lines.RemoveAt(0);
                _pending.Skipped++;
            }
        }
        Wake();
    }

    public void Stop() => _stop.Cancel();

    private void Wake()
    {
        lock (_gate)
            if (_idle.Task.IsCompleted && !_done) _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _wake.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        try
        {
            while (Next(out var wait) is var batch && !(batch is null && wait == TimeSpan.Zero))
            {
                if (batch is null)
                {
                    // Waits for news, or for the turn, on the platform's clock: one timer, which only wakes this loop.
                    using var timer = wait == Timeout.InfiniteTimeSpan ? null : _time.CreateTimer(_ => Wake(), null, wait, Timeout.InfiniteTimeSpan);
                    await _wake.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    await _sender.SendAsync(batch, _stop.Token).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _failures = 0;
                        Keep(batch);
                    }
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    Failed(batch, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { /* stopped */ }
        finally
        {
            lock (_gate)
            {
                _done = true;
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>What to send now; or null and how long to wait (infinite: until news; zero: the final view is out, stop).</summary>
    private LiveBatch<TView>? Next(out TimeSpan wait)
    {
        lock (_gate)
        {
            wait = TimeSpan.Zero;
            if (_pending.Final && !_pending.Changed && _pending.Lines.Count == 0) return null;
            wait = _sender.Due(_pending);
            var pause = Redelivery.After(_failures) - _time.GetElapsedTime(_lastTry);
            if (_failures > 0 && wait != Timeout.InfiniteTimeSpan && pause > wait) wait = pause;
            if (wait > TimeSpan.Zero || wait == Timeout.InfiniteTimeSpan)
            {
                _idle.TrySetResult();
                return null;
            }
            var batch = new LiveBatch<TView> { View = _pending.View, Changed = _pending.Changed, Final = _pending.Final, Skipped = _pending.Skipped };
            batch.Lines.AddRange(_pending.Lines);
            (_pending.Changed, _pending.Skipped, _lastTry) = (false, 0, _time.GetTimestamp());
            _pending.Lines.Clear();
            return batch;
        }
    }

    /// <summary>What the sender left in <paramref name="batch"/> (not due yet, or not sent) waits for the next turn.</summary>
    private void Keep(LiveBatch<TView> batch)
    {
        _pending.Changed |= batch.Changed;
        _pending.Skipped += batch.Skipped;
        _pending.Lines.InsertRange(0, batch.Lines);
    }

    /// <summary>Keeps what did not go out (the latest view wins over the one that failed) for a try after a growing pause.</summary>
    private void Failed(LiveBatch<TView> batch, Exception e)
    {
        lock (_gate)
        {
            (_failures, _lastTry) = (_failures + 1, _time.GetTimestamp());
            if (_sender.MayPass(e) && !(batch.Final && _failures >= Redelivery.MaxTries))
            {
                Keep(batch);
                _logger.LogWarning("Sending {Message} failed ({Error}); trying again in {Wait}", _name, e.Message, Text.Format.Duration(Redelivery.After(_failures)));
                return;
            }
            _logger.LogError("Giving up on {Message} after {Tries} tries: {Error}", _name, _failures, e.Message);
            _failures = 0;
        }
    }
}
