using Bot.Chat.Slack;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Chat.Slack;

public sealed class EditBudgetTests
{
    private readonly FakeTimeProvider _time = new();
    private static readonly TimeSpan Second = SlackLiveMessages.UpdateInterval;

    [Fact]
    public void A_burst_goes_out_at_once_and_the_last_token_is_kept_for_the_final_state()
    {
        var budget = new EditBudget(_time);
        Assert.Equal(TimeSpan.Zero, budget.Wait(final: false));
        budget.Take();
        Assert.Equal(TimeSpan.Zero, budget.Wait(final: false));
        budget.Take();
        // One token left: an edit on the way waits a whole interval for it, the final state takes it now.
        Assert.Equal(Second, budget.Wait(final: false));
        Assert.Equal(TimeSpan.Zero, budget.Wait(final: true));
        budget.Take();
        Assert.Equal(Second, budget.Wait(final: true));
        Assert.Equal(Second * 2, budget.Wait(final: false));

        _time.Advance(Second / 4);
        Assert.Equal(Second * 3 / 4, budget.Wait(final: true));
    }

    [Fact]
    public void Sending_whenever_allowed_for_a_minute_averages_one_per_second_after_the_burst()
    {
        var budget = new EditBudget(_time);
        var sends = new List<DateTimeOffset>();
        var end = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (_time.GetUtcNow() < end)
        {
            var wait = budget.Wait(final: sends.Count % 5 == 4);
            if (wait > TimeSpan.Zero) { _time.Advance(wait); continue; }
            budget.Take();
            sends.Add(_time.GetUtcNow());
        }
        Assert.InRange(sends.Count, 60, 60 + EditBudget.Burst);
        EditBudgetRule.AssertHeld(sends);
    }

    [Fact]
    public void An_idle_message_earns_back_its_burst_and_no_more()
    {
        var budget = new EditBudget(_time);
        for (var i = 0; i < EditBudget.Burst; i++) budget.Take();
        _time.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < EditBudget.Burst; i++)
        {
            Assert.Equal(TimeSpan.Zero, budget.Wait(final: true));
            budget.Take();
        }
        Assert.Equal(Second, budget.Wait(final: true));
    }
}
