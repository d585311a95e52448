namespace Bot.Chat;

/// <summary>How one platform sends one live message: when the next send is due, and the send itself.</summary>
public interface ILiveSender<TView>
{
    /// <summary>How long until something of <paramref name="pending"/> is due: zero for now, infinite for nothing until news.</summary>
    TimeSpan Due(LiveBatch<TView> pending);

    /// <summary>Sends what is due, clearing from <paramref name="batch"/> what went out; throws when the platform failed it.</summary>
    Task SendAsync(LiveBatch<TView> batch, CancellationToken cancellationToken);

    /// <summary>A failure worth trying again after a pause (<see cref="Redelivery"/>); any other drops what failed.</summary>
    bool MayPass(Exception e);
}
