namespace Bot.Chat.Slack;

/// <summary>
/// A token bucket for one live message: <see cref="Burst"/> sends may go out at once, then one per
/// <see cref="SlackLiveMessages.UpdateInterval"/> on average, so over any stretch of time t a message gets at most
/// <c>Burst + t / interval</c> posts and edits. An edit that is not the final state leaves the last token alone:
/// the final state of a quick deploy never waits for a slot the steps before it used up.
/// Credit is kept as time (whole ticks), so a wait computed here is exactly the wait that makes the send due.
/// </summary>
internal sealed class EditBudget(TimeProvider time)
{
    public const int Burst = 3;

    private static readonly TimeSpan Cost = SlackLiveMessages.UpdateInterval;
    private static readonly TimeSpan Full = Cost * Burst;

    private TimeSpan _credit = Full;
    private long _at = time.GetTimestamp();

    /// <summary>How long until a send may go out (zero: now). The final state needs one token, anything else two.</summary>
    public TimeSpan Wait(bool final)
    {
        Refill();
        var need = final ? Cost : Cost * 2;
        return _credit >= need ? TimeSpan.Zero : need - _credit;
    }

    /// <summary>A post or an edit is being sent (tried, whether it then fails or not).</summary>
    public void Take()
    {
        Refill();
        _credit = _credit > Cost ? _credit - Cost : TimeSpan.Zero;
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        var credit = _credit + time.GetElapsedTime(_at, now);
        _credit = credit > Full ? Full : credit;
        _at = now;
    }
}
