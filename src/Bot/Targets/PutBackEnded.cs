namespace Bot.Targets;

/// <summary>
/// The last event of a put-back (<see cref="IPutsBack"/>): what became of the release that served before, so the card
/// claims no more than happened. <see cref="Untouched"/>: it never stopped serving (Heroku's release phase failed before
/// the new release went live), so nothing was put back. <see cref="Checked"/>: it was put back and its health check passed.
/// A put-back that ends without one counts as put back and not checked.
/// </summary>
public sealed record PutBackEnded(bool Untouched, bool Checked) : DeployEvent
{
    public static readonly PutBackEnded NothingToUndo = new(Untouched: true, Checked: false);

    public static PutBackEnded Restored(bool healthChecked) => new(Untouched: false, healthChecked);
}
