namespace Bot.Chat;

/// <summary>What a live message has not sent yet: the latest view (if it changed), lines to add, and whether that view is the last.</summary>
public sealed class LiveBatch<TView>
{
    public TView? View { get; set; }

    /// <summary>The view differs from what the platform shows; the sender clears it once it has sent the view.</summary>
    public bool Changed { get; set; }

    public bool Final { get; set; }

    /// <summary>Lines to add (a card's output); the sender removes those it has sent.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Lines dropped before <see cref="Lines"/> because more waited than a message takes.</summary>
    public int Skipped { get; set; }
}
