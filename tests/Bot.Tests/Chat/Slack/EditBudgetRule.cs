using Bot.Chat.Slack;

namespace Bot.Tests.Chat.Slack;

/// <summary>Slack's rule for one message, as the live messages keep it: over any stretch of time t, at most a burst plus one send per interval.</summary>
public static class EditBudgetRule
{
    public static void AssertHeld(IReadOnlyList<DateTimeOffset> sends)
    {
        var at = sends.Order().ToList();
        for (var i = 0; i < at.Count; i++)
            for (var j = i; j < at.Count; j++)
            {
                var allowed = EditBudget.Burst + (at[j] - at[i]) / SlackLiveMessages.UpdateInterval;
                Assert.True(j - i + 1 <= allowed, $"{j - i + 1} sends between {at[i]:O} and {at[j]:O}, more than {allowed:0.##}");
            }
    }
}
