using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test about each timer started on it, so a test moves the clock
/// only once the code is really waiting (a timer started after the move would be left in the future).
/// </summary>
public sealed class WatchedTime : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    public WatchedTime() { }

    public WatchedTime(DateTimeOffset start) : base(start) { }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _started.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer started (one started earlier and not yet seen counts).</summary>
    public Task<TimeSpan> NextTimerAsync() => _started.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Forgets the timers started so far, so <see cref="TimerAsync"/> only sees new ones.</summary>
    public void Forget()
    {
        while (_started.Reader.TryRead(out _)) { }
    }

    /// <summary>Waits for a timer due between <paramref name="min"/> and <paramref name="max"/>; returns its due time.</summary>
    public async Task<TimeSpan> TimerAsync(TimeSpan min, TimeSpan max)
    {
        using var patience = new CancellationTokenSource(SlackSocketServer.Patience);
        while (true)
        {
            var due = await _started.Reader.ReadAsync(patience.Token);
            if (due >= min && due <= max) return due;
        }
    }
}
